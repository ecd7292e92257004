import { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import type { SageRunClient } from '../api/client';
import { runRemotelyIcon } from '../icons';
import { asApiError } from '../api/errors';
import { RunsModel } from '../model/runsModel';
import { CommandIDs } from '../tokens';
import type { RunsPanelWidget } from '../widgets/RunsPanelWidget';
import type { ResultOpener } from './results';

export interface IRunCommandParts {
  model: RunsModel;
  client: SageRunClient;
  trans: TranslationBundle;
  results: ResultOpener;
  panel: RunsPanelWidget;
}

/** The per-run commands: show the panel or a run, stop a run, open its result. */
export function addRunCommands(
  app: JupyterFrontEnd,
  { model, client, trans, results, panel }: IRunCommandParts
): void {
  app.commands.addCommand(CommandIDs.openRunsPanel, {
    label: trans.__('Show Remote Runs'),
    caption: trans.__('Open the Remote runs panel'),
    icon: runRemotelyIcon,
    execute: () => {
      app.shell.activateById(panel.id);
    }
  });
  app.commands.addCommand(CommandIDs.showRun, {
    label: trans.__('Show Remote Run'),
    execute: args => {
      app.shell.activateById(panel.id);
      panel.highlight((args.runId as string) ?? null);
    }
  });
  app.commands.addCommand(CommandIDs.showSchedules, {
    label: trans.__('Show Remote Run Schedules'),
    caption: trans.__("Open the Remote runs panel's Schedules view"),
    icon: runRemotelyIcon,
    execute: () => {
      app.shell.activateById(panel.id);
      panel.showView('schedules');
    }
  });
  app.commands.addCommand(CommandIDs.stopRun, {
    label: trans.__('Stop Remote Run'),
    execute: args => stopRun(args.runId as string, { model, client, trans })
  });
  app.commands.addCommand(CommandIDs.openResult, {
    label: trans.__('Open Remote Run Result'),
    execute: args =>
      results.open(
        args.runId as string,
        args.format === 'PDF' ? 'PDF' : 'IPYNB'
      )
  });
}

/** Stop a run once the user confirms; the model shows its new status. */
async function stopRun(
  runId: string,
  { model, client, trans }: Pick<IRunCommandParts, 'model' | 'client' | 'trans'>
): Promise<void> {
  const answer = await showDialog({
    title: trans.__('Stop the run?'),
    body: trans.__(
      'Run %1 will be stopped; its kernel and any work in progress end.',
      runId
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Keep running') }),
      Dialog.warnButton({ label: trans.__('Stop run') })
    ]
  });
  if (!answer.button.accept) {
    return;
  }
  try {
    model.update(await client.stopRun(runId));
  } catch (e) {
    Notification.error(
      trans.__('Could not stop run %1: %2', runId, asApiError(e).message),
      { autoClose: false }
    );
  }
}
