import { ISignal, Signal } from '@lumino/signaling';
import { IDisposable } from '@lumino/disposable';
import type { Poll } from '@lumino/polling';

import type { SageRunClient } from '../api/client';
import { asApiError, SageRunApiError } from '../api/errors';
import { isTerminal, Run } from '../api/types';
import {
  idleIntervalMs,
  modelPoll,
  needsPolling,
  pollFrequency
} from './poller';
import {
  activeBeyond,
  appendPage,
  matchesFilters,
  mergeRuns,
  RunFilters
} from './runList';
import { TrackedRuns } from './trackedRuns';
import { PlaceFilter, RunPlace, runsIn } from './workspaceFilter';

export const PAGE_SIZE = 20;

export interface IRunsModelOptions {
  client: SageRunClient;
  /** The base poll interval: the `pollIntervalSeconds` setting (schema/plugin.json). */
  pollIntervalMs: number;
  /** Whether the page is hidden (the poll stands by); defaults to `document.hidden`. */
  isHidden?: () => boolean;
  /**
   * Where the ids of runs started from this tab and the place filter survive a
   * page reload (ids and statuses only, never settings or parameters).
   */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
}

/**
 * The runs the panel shows, their filters and paging, and the poll that
 * follows runs that have not ended. Ended runs are never fetched one by one:
 * the list endpoint refreshes them.
 */
export class RunsModel implements IDisposable {
  constructor(options: IRunsModelOptions) {
    this.client = options.client;
    this._baseMs = options.pollIntervalMs;
    this._poll = modelPoll({
      name: 'jupyter_sagerun:runs',
      factory: () => this._tick(),
      frequency: pollFrequency(this._baseMs, this._baseMs),
      isHidden: options.isHidden
    });
    this._tracked = new TrackedRuns(options.storage ?? null);
    this._place = new PlaceFilter(options.storage ?? null);
  }

  readonly client: SageRunClient;

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** A run started from this browser reached a terminal state. */
  get runEnded(): ISignal<this, Run> {
    return this._runEnded;
  }
  get items(): readonly Run[] {
    return this._items;
  }
  /** The loaded runs the place filter lets through (the panel lists these). */
  get shownItems(): readonly Run[] {
    return runsIn(this._items, this._place.value);
  }
  get place(): RunPlace {
    return this._place.value;
  }
  /** Filtered here, not by the server: the list pages stay the same. */
  setPlace(place: RunPlace): void {
    this._place.value = place;
    this._changed.emit();
  }
  get nextToken(): string | null {
    return this._nextToken;
  }
  get loading(): boolean {
    return this._loading;
  }
  get error(): SageRunApiError | null {
    return this._error;
  }
  get filters(): RunFilters {
    return this._filters;
  }
  get notebookPath(): string | null {
    return this._notebookPath;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }
  /** Runs shown or started here that have not ended. */
  get activeCount(): number {
    const ids = new Set<string>();
    for (const run of this._items) {
      if (!isTerminal(run.status)) {
        ids.add(run.id);
      }
    }
    return ids.size + this._tracked.unseenActive(ids).length;
  }
  /** Whether a poll is scheduled. */
  get polling(): boolean {
    const { phase } = this._poll.state;
    return phase !== 'stopped' && phase !== 'constructed' && !this._disposed;
  }

  /** The current wait between two polls (grows while nothing changes). */
  get pollIntervalMs(): number {
    return this._poll.frequency.interval;
  }

  set pollIntervalMs(ms: number) {
    this._baseMs = ms;
    this._setInterval(ms);
  }

  setFilters(filters: Partial<RunFilters>): Promise<void> {
    this._filters = { ...this._filters, ...filters };
    return this.reload();
  }

  setNotebookPath(path: string | null): Promise<void> {
    if (path === this._notebookPath) {
      return Promise.resolve();
    }
    this._notebookPath = path;
    return this._filters.scope === 'notebook'
      ? this.reload()
      : Promise.resolve();
  }

  /** Follow a run started from this browser; it notifies when it ends. */
  track(run: Run): void {
    this._tracked.add(run);
    this._merge([run], true);
    this._pollIn(0);
  }

  isTracked(id: string): boolean {
    return this._tracked.has(id);
  }

  /** Replace a run after an action on it (stop). */
  update(run: Run): void {
    this._merge([run], false);
    this._observe([run]);
    this._pollIn(this._baseMs);
  }

  /** Load the first page again. */
  async reload(): Promise<void> {
    const generation = ++this._generation;
    this._loading = true;
    this._changed.emit();
    try {
      const page = await this._fetchPage();
      if (generation !== this._generation) {
        return;
      }
      this._items = page.items;
      this._nextToken = page.nextToken ?? null;
      this._error = null;
      this._observe(page.items);
    } catch (e) {
      if (generation === this._generation) {
        this._error = asApiError(e);
      }
    } finally {
      if (generation === this._generation) {
        this._loading = false;
        this._changed.emit();
        this._pollIn(this._baseMs);
      }
    }
  }

  async loadMore(): Promise<void> {
    if (!this._nextToken || this._loading) {
      return;
    }
    const generation = this._generation;
    this._loading = true;
    this._changed.emit();
    try {
      const page = await this._fetchPage(this._nextToken);
      if (generation !== this._generation) {
        return;
      }
      this._items = appendPage(this._items, page.items);
      this._nextToken = page.nextToken ?? null;
      this._error = null;
    } catch (e) {
      this._error = asApiError(e);
    } finally {
      this._loading = false;
      this._changed.emit();
      this._pollIn(this.pollIntervalMs);
    }
  }

  /**
   * One poll: the first page from the list endpoint, plus (one by one) only
   * runs beyond it that have not ended. Returns whether anything changed.
   */
  async poll(): Promise<boolean> {
    const generation = this._generation;
    const before = this._snapshot();
    const page = await this._fetchPage();
    if (generation !== this._generation) {
      return false;
    }
    const seen = new Set(page.items.map(r => r.id));
    const stragglers = activeBeyond(this._items, seen);
    for (const id of this._tracked.unseenActive(seen)) {
      stragglers.add(id);
    }
    const extra: Run[] = [];
    for (const id of stragglers) {
      try {
        extra.push(await this.client.getRun(id));
      } catch (e) {
        if (asApiError(e).status === 404) {
          this._tracked.forget(id);
        }
      }
    }
    if (this._items.length <= page.items.length || !this._nextToken) {
      this._nextToken = page.nextToken ?? null;
    }
    this._merge(page.items, true);
    this._merge(extra, false);
    this._observe([...page.items, ...extra]);
    this._error = null;
    const after = this._snapshot();
    const changed = before !== after;
    this._changed.emit();
    return changed;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._poll.dispose();
    Signal.clearData(this);
  }

  private _shouldPoll(): boolean {
    return needsPolling(this._items) || needsPolling(this._tracked.statuses());
  }

  /**
   * Poll once after `ms`, or stop polling when every run shown or followed
   * has ended.
   */
  private _pollIn(ms: number): void {
    if (this._disposed) {
      return;
    }
    if (!this._shouldPoll()) {
      void this._poll.stop();
      return;
    }
    this._setInterval(this._baseMs);
    void this._poll.schedule({ interval: ms, phase: 'refreshed' });
  }

  private _setInterval(ms: number): void {
    this._poll.frequency = pollFrequency(ms, this._baseMs);
  }

  /**
   * The poll's factory. Its next interval is set here: the base one after a
   * change, a longer one (up to a limit) while nothing changes. A failure is
   * rethrown so that the Poll backs off.
   */
  private async _tick(): Promise<void> {
    let changed: boolean;
    try {
      changed = await this.poll();
    } catch (e) {
      this._error = asApiError(e);
      this._changed.emit();
      throw e;
    }
    if (!this._shouldPoll()) {
      // Stopping from inside the factory: the Poll drops this tick's own follow-up.
      void this._poll.stop();
      return;
    }
    this._setInterval(
      changed ? this._baseMs : idleIntervalMs(this._baseMs, this.pollIntervalMs)
    );
  }

  private _fetchPage(nextToken?: string) {
    const { scope, status } = this._filters;
    if (scope === 'notebook' && !this._notebookPath) {
      return Promise.resolve({ items: [] as Run[], nextToken: null });
    }
    return this.client.listRuns({
      path:
        scope === 'notebook' ? (this._notebookPath ?? undefined) : undefined,
      status: status || undefined,
      nextToken,
      maxResults: PAGE_SIZE
    });
  }

  /** Replace known runs; `prepend` adds unknown ones that match, newest first. */
  private _merge(runs: Run[], prepend: boolean): void {
    this._items = mergeRuns(this._items, runs, {
      prepend,
      matches: run => matchesFilters(run, this._filters, this._notebookPath)
    });
  }

  /** Note the statuses of tracked runs; report those that ended. */
  private _observe(runs: Run[]): void {
    for (const run of this._tracked.observe(runs)) {
      this._runEnded.emit(run);
    }
  }

  private _snapshot(): string {
    return (
      this._items.map(r => `${r.id}:${r.status}`).join(',') +
      '|' +
      this._tracked.snapshot()
    );
  }

  private _items: Run[] = [];
  private _nextToken: string | null = null;
  private _loading = false;
  private _error: SageRunApiError | null = null;
  private _filters: RunFilters = { scope: 'all', status: '' };
  private _notebookPath: string | null = null;
  private _tracked: TrackedRuns;
  private _place: PlaceFilter;
  private _poll: Poll<void, unknown, 'standby'>;
  private _baseMs: number;
  private _generation = 0;
  private _disposed = false;
  private _changed = new Signal<this, void>(this);
  private _runEnded = new Signal<this, Run>(this);
}
