import { isTerminal, Run, RunStatus } from '../api/types';
import { endedSince } from './poller';

const TRACKED_KEY = 'jupyter_sagerun:tracked-runs';

/**
 * The runs started from this browser that have not ended yet, by id with their last
 * seen status: the panel polls for them and notifies when one ends. They survive a
 * page reload in `storage` (ids and statuses only, never settings or parameters).
 */
export class TrackedRuns {
  constructor(storage: Pick<Storage, 'getItem' | 'setItem'> | null) {
    this._storage = storage;
    try {
      const saved = JSON.parse(this._storage?.getItem(TRACKED_KEY) ?? '{}');
      for (const [id, status] of Object.entries(saved)) {
        if (typeof status === 'string' && !isTerminal(status)) {
          this._statuses.set(id, status);
        }
      }
    } catch {
      // A damaged entry only loses end-of-run notifications.
    }
  }

  has(id: string): boolean {
    return this._statuses.has(id);
  }

  add(run: Pick<Run, 'id' | 'status'>): void {
    this._statuses.set(run.id, run.status);
    this._save();
  }

  /** Forget a run (the server no longer knows it). */
  forget(id: string): void {
    this._statuses.delete(id);
    this._save();
  }

  /** The ids of tracked runs not in `seen` whose last status was not terminal. */
  unseenActive(seen: ReadonlySet<string>): string[] {
    return Array.from(this._statuses)
      .filter(([id, status]) => !seen.has(id) && !isTerminal(status))
      .map(([id]) => id);
  }

  /** The last seen statuses, as runs for `needsPolling`. */
  statuses(): Array<Pick<Run, 'status'>> {
    return Array.from(this._statuses.values(), status => ({
      status: status as RunStatus
    }));
  }

  /** Note the statuses of tracked runs among `runs`; answer those that ended. */
  observe(runs: Run[]): Run[] {
    const tracked = runs.filter(r => this._statuses.has(r.id));
    const ended = endedSince(this._statuses, tracked);
    for (const run of ended) {
      this._statuses.delete(run.id);
    }
    for (const run of tracked) {
      if (this._statuses.has(run.id)) {
        this._statuses.set(run.id, run.status);
      }
    }
    this._save();
    return ended;
  }

  /** A string that changes whenever a tracked run or its status does. */
  snapshot(): string {
    return Array.from(this._statuses.entries()).join(',');
  }

  private _save(): void {
    try {
      this._storage?.setItem(
        TRACKED_KEY,
        JSON.stringify(Object.fromEntries(this._statuses))
      );
    } catch {
      // Storage full or denied: notifications just do not survive a reload.
    }
  }

  private _statuses = new Map<string, string>();
  private _storage: Pick<Storage, 'getItem' | 'setItem'> | null;
}
