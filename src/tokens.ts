import { Token } from '@lumino/coreutils';

import type { SageRunClient } from './api/client';
import type { Run } from './api/types';
import type { RunsModel } from './model/runsModel';
import type { SchedulesModel } from './model/schedulesModel';

/** The translation domain of every string of this extension. */
export const TRANSLATION_DOMAIN = 'jupyter_sagerun';

/** The main plugin; its id is also the settings schema's (`schema/plugin.json`). */
export const PLUGIN_ID = 'jupyter_sagerun:plugin';
export const RUNS_PLUGIN_ID = 'jupyter_sagerun:runs';
export const STATUSBAR_PLUGIN_ID = 'jupyter_sagerun:statusbar';

export const RUNS_PANEL_ID = 'jupyter-sagerun-runs-panel';

export namespace CommandIDs {
  /** Run the focused notebook remotely (toolbar, palette, Run menu, shortcut). */
  export const runRemotely = 'sagerun:run-remotely';
  /** Run the notebook the file browser's context menu was opened on. */
  export const runRemotelyFile = 'sagerun:run-remotely-file';
  export const openRunsPanel = 'sagerun:open-runs-panel';
  /** Open the form with a run's settings; args `{ runId }`. */
  export const runAgain = 'sagerun:run-again';
  /** Export a run's result into the workspace and open it; args `{ runId, format? }`. */
  export const openResult = 'sagerun:open-result';
  /** Stop a run after confirmation; args `{ runId }`. */
  export const stopRun = 'sagerun:stop-run';
  /** Show a run in the panel; args `{ runId }`. */
  export const showRun = 'sagerun:show-run';
  /** Open the run form on a schedule (PUT on submit); args `{ name }`. */
  export const editSchedule = 'sagerun:edit-schedule';
  /** Show the panel's Schedules view. */
  export const showSchedules = 'sagerun:show-schedules';
}

/** The runs the extension follows, shared by the panel, the form and the status bar. */
export interface ISageRunRuns {
  readonly client: SageRunClient;
  readonly model: RunsModel;
  /** The project's schedules (the panel's Schedules view). */
  readonly schedules: SchedulesModel;
  /** Follow a run started from this browser (it notifies when it ends). */
  track(run: Run): void;
}

export const ISageRunRuns = new Token<ISageRunRuns>(
  'jupyter_sagerun:ISageRunRuns',
  'The remote runs followed by the Remote runs panel.'
);
