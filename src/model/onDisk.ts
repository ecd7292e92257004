/**
 * "Save and run" runs exactly what the user sees: the server reads the notebook from
 * disk, so the run starts only once the disk holds what the editor shows.
 *
 * Without real-time collaboration, `context.save()` writes the file before it resolves.
 * With jupyter-collaboration on (both SageMaker Unified Studio images), the server's
 * collaboration layer owns the file: in 4.x `save()` asks it to save and waits for
 * its answer, in 3.x `save()` writes nothing and the room saves by itself a moment
 * after the last change. Comparing what is on disk with what is shown covers all three.
 */

import type { ICellSource } from '../api/types';

export type { ICellSource };

/** What a run executes of a notebook: each cell's type and source, in order. */
export function executedCells(cells: ReadonlyArray<ICellSource>): string[] {
  return cells.map(
    cell =>
      `${cell.cell_type}\u0000${Array.isArray(cell.source) ? cell.source.join('') : cell.source}`
  );
}

/** Whether two notebooks execute the same cells. */
export function sameCells(
  a: ReadonlyArray<ICellSource>,
  b: ReadonlyArray<ICellSource>
): boolean {
  const left = executedCells(a);
  const right = executedCells(b);
  return left.length === right.length && left.every((x, i) => x === right[i]);
}

export interface IWaitOptions {
  /** Give up after this long (the answer is then `false`). */
  timeoutMs?: number;
  /** Pause between two reads of the file. */
  intervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Read the notebook from disk until its cells are `shown()`'s, at most `timeoutMs`;
 * answers whether they matched. Reads once more at the deadline, never fewer than once.
 */
export async function waitUntilOnDisk(
  readFromDisk: () => Promise<ReadonlyArray<ICellSource>>,
  shown: () => ReadonlyArray<ICellSource>,
  options: IWaitOptions = {}
): Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? 15000;
  const intervalMs = options.intervalMs ?? 250;
  const sleep =
    options.sleep ??
    ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)));
  const now = options.now ?? (() => Date.now());
  const deadline = now() + timeoutMs;
  for (;;) {
    if (sameCells(await readFromDisk(), shown())) {
      return true;
    }
    const left = deadline - now();
    if (left <= 0) {
      return false;
    }
    await sleep(Math.min(intervalMs, left));
  }
}
