import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { TranslationBundle } from '@jupyterlab/translation';

import type { Run } from '../api/types';
import type { RunsModel } from '../model/runsModel';
import { CommandIDs } from '../tokens';
import type { ResultOpener } from './results';

function runName(run: Run): string {
  return run.path ? (run.path.split('/').pop() ?? run.path) : run.notebookId;
}

export interface IRunEndNotifier {
  model: RunsModel;
  trans: TranslationBundle;
  results: ResultOpener;
  settings: ISettingRegistry.ISettings;
}

/** A toast when a followed run ends (unless the settings turn them off). */
export function notifyWhenRunsEnd(
  app: JupyterFrontEnd,
  { model, trans, results, settings }: IRunEndNotifier
): void {
  model.runEnded.connect((_, run) => {
    if (!(settings.get('notifyWhenRunEnds').composite as boolean)) {
      return;
    }
    const view = {
      label: trans.__('View run'),
      callback: () =>
        void app.commands.execute(CommandIDs.showRun, { runId: run.id })
    };
    const result = {
      label: trans.__('Open result'),
      callback: () => void results.open(run.id)
    };
    const name = runName(run);
    if (run.status === 'SUCCEEDED') {
      Notification.success(trans.__('Remote run of %1 succeeded.', name), {
        autoClose: 10000,
        actions: [result, view]
      });
    } else if (run.status === 'FAILED') {
      Notification.error(
        trans.__(
          'Remote run of %1 failed: %2',
          name,
          run.error?.message ?? trans.__('no error message')
        ),
        {
          autoClose: false,
          actions: [{ ...view, label: trans.__('Show error') }, result]
        }
      );
    } else {
      Notification.warning(trans.__('Remote run of %1 was stopped.', name), {
        autoClose: 10000,
        actions: [view, result]
      });
    }
  });
}
