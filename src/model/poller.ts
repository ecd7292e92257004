import { IPoll, Poll } from '@lumino/polling';

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

/** The longest wait between two polls while nothing changes (unless the base is longer). */
const MAX_IDLE_INTERVAL_MS = 30000;
/** How much longer each poll waits that saw no change. */
const IDLE_GROWTH = 1.5;
/** After a failed poll: Lumino's Poll backs off by this factor, up to the max. */
const ERROR_GROWTH = 2;
const ERROR_MAX_INTERVAL_MS = 60000;

/** The Poll's frequency for a wait of `ms` over the base interval `baseMs`. */
export function pollFrequency(
  ms: number,
  baseMs: number
): { interval: number; backoff: number; max: number } {
  const max = Math.max(ERROR_MAX_INTERVAL_MS, baseMs);
  return {
    interval: Math.min(Math.round(ms), max),
    backoff: ERROR_GROWTH,
    max
  };
}

/**
 * The next wait after a poll that saw no change: longer, up to a limit, and never
 * below the base interval (which the settings may put above the limit).
 */
export function idleIntervalMs(baseMs: number, currentMs: number): number {
  return Math.max(
    baseMs,
    Math.min(currentMs * IDLE_GROWTH, MAX_IDLE_INTERVAL_MS)
  );
}

/** Whether the page is hidden, for models not told otherwise. */
export function documentHidden(): boolean {
  return typeof document !== 'undefined' && document.hidden;
}

/**
 * A model's Lumino Poll, started by the model (not at construction): it stands by,
 * sending nothing, while the page is hidden or `idle` says there is nothing to look
 * at; a failing tick backs off as `frequency` says.
 */
export function modelPoll(options: {
  name: string;
  factory: () => Promise<void>;
  frequency: Partial<IPoll.Frequency>;
  isHidden?: () => boolean;
  idle?: () => boolean;
}): Poll<void, unknown, 'standby'> {
  const isHidden = options.isHidden ?? documentHidden;
  const idle = options.idle ?? (() => false);
  return new Poll({
    auto: false,
    name: options.name,
    factory: options.factory,
    frequency: options.frequency,
    standby: () => isHidden() || idle()
  });
}
