import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';

import { SageRunApiError } from '../api/errors';
import { ICellSource, sameCells, waitUntilOnDisk } from '../model/onDisk';
import type { SubmitPhase } from '../model/submission';

/**
 * Have on disk what the user sees before the server reads the file (see
 * model/onDisk.ts): save when the notebook is dirty or the file differs, then wait
 * for the file. Under jupyter-collaboration the model may be clean while the file
 * still trails the editor, and 4.x answers a save asked during its own autosave with
 * "already in progress": the wait that follows covers both.
 *
 * ``readOnDisk`` is the server's reading of the file's cells.
 */
export async function saveBeforeRun(
  panel: NotebookPanel,
  readOnDisk: () => Promise<ICellSource[]>,
  trans: TranslationBundle,
  onPhase: (phase: SubmitPhase) => void
): Promise<void> {
  const shown = () =>
    (panel.context.model.toJSON() as { cells?: ICellSource[] }).cells ?? [];
  if (!panel.context.model.dirty && sameCells(await readOnDisk(), shown())) {
    return;
  }
  onPhase('saving');
  try {
    await panel.context.save();
  } catch (reason) {
    if (!panel.context.model.collaborative) {
      throw reason;
    }
  }
  if (!(await waitUntilOnDisk(readOnDisk, shown))) {
    throw new SageRunApiError({
      status: 409,
      code: 'NotSavedYet',
      message: trans.__(
        'The notebook on disk still differs from what you see: save it, then run again.'
      ),
      retryable: true
    });
  }
}
