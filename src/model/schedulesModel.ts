import { ISignal, Signal } from '@lumino/signaling';
import { IDisposable } from '@lumino/disposable';
import type { Poll } from '@lumino/polling';

import { asApiError, SageRunApiError } from '../api/errors';
import type { IScheduleApi, Schedule } from '../api/scheduleTypes';
import type { Run } from '../api/types';
import { modelPoll } from './poller';

/**
 * How long after a firing time the schedule counts as fired: the backend starts
 * the run at that time, and its list shows it a moment later.
 */
export const FIRING_GRACE_MS = 1500;

export interface ScheduleRuns {
  items: Run[];
  loading: boolean;
  error: SageRunApiError | null;
}

export interface ISchedulesModelOptions {
  api: IScheduleApi;
  /** How often to look (the `pollIntervalSeconds` setting). */
  pollIntervalMs: number;
  now?: () => number;
  isHidden?: () => boolean;
}

/** The identifier a schedule's runs carry (`scheduleId`): the backend's, or its name. */
export function scheduleIdOf(schedule: Schedule): string {
  return schedule.scheduleId || schedule.name;
}

/**
 * The Schedules view's state: the project's schedules, the actions on them, and
 * the runs of those whose runs are shown. Each firing time that passes reloads
 * the list (its next firings move on) and says so (`fired`), so the runs panel
 * can show the run the firing started.
 */
export class SchedulesModel implements IDisposable {
  constructor(options: ISchedulesModelOptions) {
    this.api = options.api;
    this._now = options.now ?? Date.now;
    this._poll = modelPoll({
      name: 'jupyter_sagerun:schedules',
      factory: () => this.poll(),
      frequency: { interval: options.pollIntervalMs, backoff: false },
      isHidden: options.isHidden,
      idle: () => !this._wantsPoll()
    });
  }

  readonly api: IScheduleApi;

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** Schedules whose firing time has just passed (their runs may have started). */
  get fired(): ISignal<this, string[]> {
    return this._fired;
  }
  get items(): readonly Schedule[] {
    return this._items;
  }
  get loading(): boolean {
    return this._loading;
  }
  get error(): SageRunApiError | null {
    return this._error;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }
  /** Whether an action on this schedule is under way. */
  isBusy(name: string): boolean {
    return this._busy.has(name);
  }
  /** The runs of a schedule, while they are shown. */
  runsOf(name: string): ScheduleRuns | null {
    return this._runs.get(name) ?? null;
  }

  /** The view is on screen (or not): only then are shown runs followed. */
  setShown(shown: boolean): void {
    this._shown = shown;
    if (shown) {
      void this.reload();
    }
  }

  async reload(): Promise<void> {
    const generation = ++this._generation;
    this._loading = true;
    this._changed.emit();
    try {
      const { schedules } = await this.api.listSchedules();
      if (generation === this._generation) {
        this._items = schedules;
        this._error = null;
      }
    } catch (e) {
      if (generation === this._generation) {
        this._error = asApiError(e);
      }
    } finally {
      if (generation === this._generation) {
        this._loading = false;
        this._changed.emit();
        if (this._poll.state.phase === 'constructed' && !this._disposed) {
          void this._poll.start();
        }
      }
    }
  }

  pause(name: string): Promise<void> {
    return this._act(name, async () =>
      this._replace(await this.api.pauseSchedule(name))
    );
  }

  resume(name: string): Promise<void> {
    return this._act(name, async () =>
      this._replace(await this.api.resumeSchedule(name))
    );
  }

  /** Start a run with the schedule's settings now; the run is its answer. */
  async runNow(name: string): Promise<Run> {
    let run: Run | null = null;
    await this._act(name, async () => {
      run = await this.api.runScheduleNow(name);
      if (this._runs.has(name)) {
        await this.refreshRuns(name);
      }
    });
    return run as unknown as Run;
  }

  remove(name: string): Promise<void> {
    return this._act(name, async () => {
      await this.api.deleteSchedule(name);
      this._items = this._items.filter(s => s.name !== name);
      this._runs.delete(name);
    });
  }

  /** Show (load) or hide the runs of a schedule. */
  async showRuns(name: string, shown: boolean): Promise<void> {
    if (!shown) {
      this._runs.delete(name);
      this._changed.emit();
      return;
    }
    this._runs.set(name, { items: [], loading: true, error: null });
    await this.refreshRuns(name);
  }

  async refreshRuns(name: string): Promise<void> {
    const schedule = this._items.find(s => s.name === name);
    const current = this._runs.get(name);
    if (!schedule || !current) {
      return;
    }
    this._runs.set(name, { ...current, loading: true });
    this._changed.emit();
    let next: ScheduleRuns;
    try {
      const page = await this.api.listScheduleRuns(scheduleIdOf(schedule));
      next = { items: page.items, loading: false, error: null };
    } catch (e) {
      next = { ...current, loading: false, error: asApiError(e) };
    }
    // Hidden meanwhile: stay hidden.
    if (this._runs.has(name)) {
      this._runs.set(name, next);
      this._changed.emit();
    }
  }

  /**
   * One look: a passed firing reloads the list and reports the schedules that
   * fired; while the view is shown, the runs shown are refreshed when one of them
   * has not ended or a firing passed.
   */
  async poll(): Promise<void> {
    const due = this._due();
    if (due.length) {
      await this.reload();
      this._fired.emit(due);
    }
    if (this._shown) {
      for (const name of [...this._runs.keys()]) {
        // (A firing the next-firing times do not foresee, as a backend whose clock
        // runs faster, shows up too: shown runs are looked at on every tick.)
        await this.refreshRuns(name);
      }
    }
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._poll.dispose();
    Signal.clearData(this);
  }

  /** Enabled schedules whose next firing is past (by the grace). */
  private _due(): string[] {
    const now = this._now();
    return this._items
      .filter(s => {
        const next = s.state === 'ENABLED' ? s.nextFirings[0] : undefined;
        return next !== undefined && Date.parse(next) + FIRING_GRACE_MS <= now;
      })
      .map(s => s.name);
  }

  private _wantsPoll(): boolean {
    if (this._due().length) {
      return true;
    }
    return this._shown && this._runs.size > 0;
  }

  private _replace(schedule: Schedule): void {
    this._items = this._items.map(s =>
      s.name === schedule.name ? schedule : s
    );
  }

  private async _act(name: string, work: () => Promise<void>): Promise<void> {
    if (this._busy.has(name)) {
      return;
    }
    this._busy.add(name);
    this._changed.emit();
    try {
      await work();
    } finally {
      this._busy.delete(name);
      this._changed.emit();
    }
  }

  private _items: Schedule[] = [];
  private _runs = new Map<string, ScheduleRuns>();
  private _busy = new Set<string>();
  private _loading = false;
  private _error: SageRunApiError | null = null;
  private _shown = false;
  private _generation = 0;
  private _disposed = false;
  private _now: () => number;
  private _poll: Poll<void, unknown, 'standby'>;
  private _changed = new Signal<this, void>(this);
  private _fired = new Signal<this, string[]>(this);
}
