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
