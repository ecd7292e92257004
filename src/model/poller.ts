import { isTerminal, Run } from '../api/types';

/** Whether any of these runs can still change (so polling is worth it). */
export function needsPolling(runs: Iterable<Pick<Run, 'status'>>): boolean {
  for (const run of runs) {
    if (!isTerminal(run.status)) {
      return true;
    }
  }
  return false;
}

/**
 * Runs that moved from a non-terminal to a terminal state between two
 * observations (keyed by id). A run first seen already ended is not reported.
 */
export function endedSince(
  before: ReadonlyMap<string, string>,
  after: Iterable<Run>
): Run[] {
  const ended: Run[] = [];
  for (const run of after) {
    const previous = before.get(run.id);
    if (
      previous !== undefined &&
      !isTerminal(previous) &&
      isTerminal(run.status)
    ) {
      ended.push(run);
    }
  }
  return ended;
}

/** Delays between polls: back off while nothing changes, reset on a change. */
export class Backoff {
  constructor(
    readonly baseMs: number,
    readonly maxMs: number = 30000,
    readonly factor: number = 1.5,
    readonly errorMaxMs: number = 60000
  ) {
    this._delay = baseMs;
  }

  get delay(): number {
    return this._delay;
  }

  /** The delay before the next poll after one that saw `changed`. */
  next(changed: boolean): number {
    this._delay = changed
      ? this.baseMs
      : Math.min(Math.round(this._delay * this.factor), this.maxMs);
    return this._delay;
  }

  /** After a failed poll: back off faster and further. */
  failed(): number {
    this._delay = Math.min(this._delay * 2, this.errorMaxMs);
    return this._delay;
  }

  reset(): number {
    this._delay = this.baseMs;
    return this._delay;
  }

  private _delay: number;
}
