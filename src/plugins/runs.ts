import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { SageRunClient } from '../api/client';
import type { OutputFormat, Run } from '../api/types';
import { runRemotelyIcon } from '../icons';
import type { IRunActions } from '../components/RunRow';
import { NBDIME_COMMAND, nbdimeDiffUrl } from '../model/diff';
import { resultErrorMessage } from '../model/messages';
import { asApiError, RunsModel } from '../model/runsModel';
import {
  CommandIDs,
  ISageRunRuns,
  PLUGIN_ID,
  RUNS_PANEL_ID,
  RUNS_PLUGIN_ID,
  TRANSLATION_DOMAIN
} from '../tokens';
import { RunsPanelWidget } from '../widgets/RunsPanelWidget';

function runName(run: Run): string {
  return run.path ? (run.path.split('/').pop() ?? run.path) : run.notebookId;
}

/** The Remote runs panel, its model and the per-run commands. */
export const runsPlugin: JupyterFrontEndPlugin<ISageRunRuns> = {
  id: RUNS_PLUGIN_ID,
  description: 'The Remote runs panel: lists and follows remote notebook runs.',
  autoStart: true,
  provides: ISageRunRuns,
  // The settings hold the poll interval's one default (schema/plugin.json).
  requires: [ISettingRegistry],
  optional: [ITranslator, ILayoutRestorer, INotebookTracker, IDocumentManager],
  activate: async (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    tracker: INotebookTracker | null,
    docManager: IDocumentManager | null
  ): Promise<ISageRunRuns> => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    const client = new SageRunClient({
      serverSettings: app.serviceManager.serverSettings
    });
    const settings = await settingRegistry.load(PLUGIN_ID);
    const pollIntervalMs = () =>
      1000 * (settings.get('pollIntervalSeconds').composite as number);
    const model = new RunsModel({
      client,
      pollIntervalMs: pollIntervalMs(),
      storage: typeof sessionStorage !== 'undefined' ? sessionStorage : null
    });
    const notifyWhenRunEnds = () =>
      settings.get('notifyWhenRunEnds').composite as boolean;
    settings.changed.connect(() => {
      model.pollIntervalMs = pollIntervalMs();
    });

    const openResult = async (
      runId: string,
      format: OutputFormat = 'IPYNB'
    ): Promise<string | null> => {
      const work = client.exportOutput(runId, { format });
      Notification.promise(work as Promise<any>, {
        pending: {
          message: trans.__('Exporting the result of run %1…', runId),
          options: {}
        },
        success: {
          message: (result: any) =>
            result.resultOf === 'latestExport'
              ? trans.__(
                  "Opened %1 (the notebook's latest export: this run's own result was not found).",
                  result.path
                )
              : trans.__('Opened %1.', result.path),
          options: { autoClose: 4000 }
        },
        error: {
          message: (reason: unknown) =>
            resultErrorMessage(asApiError(reason), trans),
          options: { autoClose: false }
        }
      });
      try {
        const { path } = await work;
        if (docManager) {
          docManager.openOrReveal(path);
        } else {
          await app.commands.execute('docmanager:open', { path });
        }
        return path;
      } catch {
        // Reported by the notification above.
        return null;
      }
    };

    const diffWithSource = async (run: Run): Promise<void> => {
      const result = await openResult(run.id);
      if (result === null || !run.path) {
        return;
      }
      const url = nbdimeDiffUrl(
        app.serviceManager.serverSettings.baseUrl,
        run.path,
        result
      );
      window.open(url, '_blank', 'noopener');
    };

    const actions: IRunActions = {
      stop: run =>
        void app.commands.execute(CommandIDs.stopRun, { runId: run.id }),
      runAgain: run =>
        void app.commands.execute(CommandIDs.runAgain, { runId: run.id }),
      openResult: async (run, format) =>
        void (await openResult(run.id, format)),
      load: run => client.getRun(run.id),
      reveal: async run =>
        (await client.getRun(run.id, { revealParameters: true })).parameters ??
        {}
    };
    const panel = new RunsPanelWidget({ model, trans, actions });
    // nbdime is an optional extension, maybe activated after this one: offer the diff
    // once every plugin has started and nbdime's command exists.
    void app.restored.then(() => {
      if (app.commands.hasCommand(NBDIME_COMMAND)) {
        actions.diff = diffWithSource;
        panel.update();
      }
    });
    panel.id = RUNS_PANEL_ID;
    panel.title.icon = runRemotelyIcon;
    panel.title.caption = trans.__('Remote runs');
    app.shell.add(panel, 'left', { rank: 650 });
    restorer?.add(panel, 'sagerun-runs');

    tracker?.currentChanged.connect((_, widget) => {
      void model.setNotebookPath(widget ? widget.context.path : null);
    });
    void model.setNotebookPath(tracker?.currentWidget?.context.path ?? null);
    void model.reload();

    model.runEnded.connect((_, run) => {
      if (!notifyWhenRunEnds()) {
        return;
      }
      const view = {
        label: trans.__('View run'),
        callback: () =>
          void app.commands.execute(CommandIDs.showRun, { runId: run.id })
      };
      const result = {
        label: trans.__('Open result'),
        callback: () => void openResult(run.id)
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
    app.commands.addCommand(CommandIDs.stopRun, {
      label: trans.__('Stop Remote Run'),
      execute: async args => {
        const runId = args.runId as string;
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
    });
    app.commands.addCommand(CommandIDs.openResult, {
      label: trans.__('Open Remote Run Result'),
      execute: args =>
        openResult(
          args.runId as string,
          args.format === 'PDF' ? 'PDF' : 'IPYNB'
        )
    });

    return {
      client,
      model,
      track: (run: Run) => model.track(run)
    };
  }
};
