import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { SageRunClient } from '../api/client';
import type { Schedule } from '../api/scheduleTypes';
import type { Run } from '../api/types';
import { RunFormState, toRequest } from '../model/formState';
import { ScheduleFormState, toScheduleRequest } from '../model/scheduleForm';
import type { SubmitPhase } from '../model/submission';
import type { RunSubmitter } from '../model/submitter';
import { saveBeforeRun } from './saveBeforeRun';

export interface ISubmitFormDeps {
  trans: TranslationBundle;
  client: Pick<
    SageRunClient,
    'readNotebookCells' | 'createSchedule' | 'updateSchedule'
  >;
  path: string;
  /** The open notebook, still open; saved first when the run is of the file. */
  panel: NotebookPanel | null;
  submitter: RunSubmitter;
  onStarted: (run: Run) => void;
  onScheduled: (schedule: Schedule) => void;
  onClose: () => void;
}

/**
 * What the form's submit does: save what the user sees, then start the run, or
 * create the schedule (save it, when editing one); the form closes on success.
 * ``onPhase`` tells the form which step it waits for.
 */
export async function submitForm(
  deps: ISubmitFormDeps,
  state: RunFormState,
  schedule: ScheduleFormState,
  onPhase: (phase: SubmitPhase) => void
): Promise<void> {
  const { client, panel } = deps;
  if (state.target === 'path' && panel) {
    await saveBeforeRun(
      panel,
      () => client.readNotebookCells(deps.path),
      deps.trans,
      onPhase
    );
  }
  onPhase('starting');
  if (schedule.when === 'schedule') {
    // The server syncs the notebook, then writes the schedule (POST, or PUT to edit).
    const body = toScheduleRequest(toRequest(state), schedule);
    const saved = schedule.editing
      ? await client.updateSchedule(schedule.editing, body)
      : await client.createSchedule(body);
    deps.onScheduled(saved);
  } else {
    deps.onStarted(await deps.submitter.submit(toRequest(state)));
  }
  deps.onClose();
}
