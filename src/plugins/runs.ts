import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';

import { SageRunClient } from '../api/client';
import type { Run } from '../api/types';
import { runRemotelyIcon } from '../icons';
import type { IRunActions } from '../components/RunRow';
import { NBDIME_COMMAND } from '../model/diff';
import { RunsModel } from '../model/runsModel';
import { SchedulesModel } from '../model/schedulesModel';
import {
  CommandIDs,
  ISageRunRuns,
  PLUGIN_ID,
  RUNS_PANEL_ID,
  RUNS_PLUGIN_ID,
  TRANSLATION_DOMAIN
} from '../tokens';
import { RunsPanelWidget } from '../widgets/RunsPanelWidget';
import { addRunCommands } from './runCommands';
import { notifyWhenRunsEnd } from './runEndNotifications';
import { ResultOpener } from './results';
import { scheduleActions } from './scheduleActions';

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
    const model = createModel(client, settings);
    const schedules = createSchedulesModel(client, settings, model);
    const results = new ResultOpener(app, client, trans, docManager);
    const panel = addPanel(
      app,
      { model, schedules, client, trans, results },
      restorer
    );
    followFocusedNotebook(model, tracker);
    notifyWhenRunsEnd(app, { model, trans, results, settings });
    addRunCommands(app, { model, client, trans, results, panel });
    return {
      client,
      model,
      schedules,
      track: (run: Run) => model.track(run)
    };
  }
};

/** The runs model, polling as often as the settings say, also after they change. */
function createModel(
  client: SageRunClient,
  settings: ISettingRegistry.ISettings
): RunsModel {
  const pollIntervalMs = () =>
    1000 * (settings.get('pollIntervalSeconds').composite as number);
  const model = new RunsModel({
    client,
    pollIntervalMs: pollIntervalMs(),
    storage: typeof sessionStorage !== 'undefined' ? sessionStorage : null
  });
  settings.changed.connect(() => {
    model.pollIntervalMs = pollIntervalMs();
  });
  return model;
}

/**
 * The schedules model; a firing that passes reloads the runs, so the run it
 * started shows in the Runs view (the runs model polls only while a shown run is active).
 */
function createSchedulesModel(
  client: SageRunClient,
  settings: ISettingRegistry.ISettings,
  runs: RunsModel
): SchedulesModel {
  const schedules = new SchedulesModel({
    api: client,
    pollIntervalMs:
      1000 * (settings.get('pollIntervalSeconds').composite as number)
  });
  schedules.fired.connect(() => void runs.reload());
  void schedules.reload();
  return schedules;
}

interface IPanelParts {
  model: RunsModel;
  schedules: SchedulesModel;
  client: SageRunClient;
  trans: TranslationBundle;
  results: ResultOpener;
}

/** The Remote runs panel in the left area, restored with the layout. */
function addPanel(
  app: JupyterFrontEnd,
  { model, schedules, client, trans, results }: IPanelParts,
  restorer: ILayoutRestorer | null
): RunsPanelWidget {
  const actions: IRunActions = {
    stop: run =>
      void app.commands.execute(CommandIDs.stopRun, { runId: run.id }),
    runAgain: run =>
      void app.commands.execute(CommandIDs.runAgain, { runId: run.id }),
    openResult: async (run, format) =>
      void (await results.open(run.id, format)),
    load: run => client.getRun(run.id),
    reveal: async run =>
      (await client.getRun(run.id, { revealParameters: true })).parameters ?? {}
  };
  const panel = new RunsPanelWidget({
    model,
    schedules,
    trans,
    actions,
    scheduleActions: scheduleActions({
      app,
      trans,
      model: schedules,
      track: run => model.track(run)
    })
  });
  // nbdime is an optional extension, maybe activated after this one: offer the diff
  // once every plugin has started and nbdime's command exists.
  void app.restored.then(() => {
    if (app.commands.hasCommand(NBDIME_COMMAND)) {
      actions.diff = run => results.diffWithSource(run);
      panel.update();
    }
  });
  panel.id = RUNS_PANEL_ID;
  panel.title.icon = runRemotelyIcon;
  panel.title.caption = trans.__('Remote runs');
  app.shell.add(panel, 'left', { rank: 650 });
  restorer?.add(panel, 'sagerun-runs');
  return panel;
}

/** The panel lists the runs of the focused notebook first; load them now. */
function followFocusedNotebook(
  model: RunsModel,
  tracker: INotebookTracker | null
): void {
  tracker?.currentChanged.connect((_, widget) => {
    void model.setNotebookPath(widget ? widget.context.path : null);
  });
  void model.setNotebookPath(tracker?.currentWidget?.context.path ?? null);
  void model.reload();
}
