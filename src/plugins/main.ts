import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';

import type { RunContext } from '../api/types';
import { runRemotelyIcon } from '../icons';
import { runCaption } from '../model/messages';
import { asApiError } from '../api/errors';
import {
  CommandIDs,
  ISageRunRuns,
  PLUGIN_ID,
  TRANSLATION_DOMAIN
} from '../tokens';
import { FormOpener } from './formOpener';
import { FormSettingsSource } from './formSettings';

/** What the Run remotely commands share once the plugin has started. */
interface IRunRemotely {
  app: JupyterFrontEnd;
  runs: ISageRunRuns;
  trans: TranslationBundle;
  forms: FormOpener;
  findPanel: (path: string) => NotebookPanel | null;
  /** The commands' caption: where a run goes, once the server has said. */
  caption: () => string;
}

/** Run remotely: the command behind the toolbar, palette, menus and shortcut. */
export const mainPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Run remotely: run the open notebook on SageMaker Unified Studio compute.',
  autoStart: true,
  requires: [ISageRunRuns],
  optional: [
    ITranslator,
    INotebookTracker,
    IFileBrowserFactory,
    ICommandPalette,
    ISettingRegistry,
    IDocumentManager
  ],
  activate: (
    app: JupyterFrontEnd,
    runs: ISageRunRuns,
    translator: ITranslator | null,
    tracker: INotebookTracker | null,
    browserFactory: IFileBrowserFactory | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    docManager: IDocumentManager | null
  ): void => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    const settings = new FormSettingsSource(trans, settingRegistry);
    const forms = new FormOpener({ app, runs, trans, settings });
    const shared: IRunRemotely = {
      app,
      runs,
      trans,
      forms,
      findPanel: path => {
        const widget = docManager?.findWidget(path);
        return widget instanceof NotebookPanel ? widget : null;
      },
      caption: followDestination(app, runs, trans)
    };
    addRunNotebookCommand(shared, tracker);
    addRunFileCommand(shared, browserFactory);
    addRunAgainCommand(shared);
    addEditScheduleCommand(shared);
    addToPalette(trans, palette);
  }
};

/**
 * Ask the server where a run goes (GET sagerun/context) and refresh the commands'
 * caption once it has said; until then the caption is the generic one.
 */
function followDestination(
  app: JupyterFrontEnd,
  runs: ISageRunRuns,
  trans: TranslationBundle
): () => string {
  let destination: RunContext | null = null;
  void runs.client
    .getContext()
    .then(context => {
      destination = context;
      app.commands.notifyCommandChanged(CommandIDs.runRemotely);
      app.commands.notifyCommandChanged(CommandIDs.runRemotelyFile);
    })
    .catch(() => undefined);
  return () => runCaption(destination, trans);
}

/** Run remotely of the focused notebook (toolbar, menus, palette, shortcut). */
function addRunNotebookCommand(
  { app, trans, forms, caption }: IRunRemotely,
  tracker: INotebookTracker | null
): void {
  // One label in the toolbar (schema/plugin.json gives it there), menus and palette.
  app.commands.addCommand(CommandIDs.runRemotely, {
    label: trans.__('Run remotely'),
    caption,
    icon: runRemotelyIcon,
    isEnabled: () => !!tracker?.currentWidget,
    execute: () => {
      // The focused notebook, never the file browser's selection.
      const panel = tracker?.currentWidget;
      if (!panel) {
        return;
      }
      forms.open({ path: panel.context.path, panel });
    }
  });
  tracker?.currentChanged.connect(() => {
    app.commands.notifyCommandChanged(CommandIDs.runRemotely);
  });
}

/** Run remotely of the notebook selected in the file browser (its context menu). */
function addRunFileCommand(
  { app, trans, forms, caption, findPanel }: IRunRemotely,
  browserFactory: IFileBrowserFactory | null
): void {
  const selectedNotebook = (): string | null => {
    const browser = browserFactory?.tracker.currentWidget;
    if (!browser) {
      return null;
    }
    for (const item of browser.selectedItems()) {
      if (item.type === 'notebook' || item.path.endsWith('.ipynb')) {
        return item.path;
      }
    }
    return null;
  };
  app.commands.addCommand(CommandIDs.runRemotelyFile, {
    label: trans.__('Run remotely'),
    caption,
    icon: runRemotelyIcon,
    isVisible: () => selectedNotebook() !== null,
    execute: () => {
      const path = selectedNotebook();
      if (path) {
        forms.open({ path, panel: findPanel(path) });
      }
    }
  });
}

/** Run again: the form prefilled with a run's settings and revealed parameters. */
function addRunAgainCommand({
  app,
  runs,
  trans,
  forms,
  findPanel
}: IRunRemotely): void {
  app.commands.addCommand(CommandIDs.runAgain, {
    label: trans.__('Run again remotely'),
    caption: trans.__('Open the run form with the settings of this run'),
    icon: runRemotelyIcon,
    execute: async args => {
      const runId = args.runId as string;
      try {
        const run = await runs.client.getRun(runId, {
          revealParameters: true
        });
        const path = run.path ?? '';
        forms.open({ path, panel: path ? findPanel(path) : null, rerun: run });
      } catch (e) {
        Notification.error(
          trans.__('Could not load run %1: %2', runId, asApiError(e).message),
          { autoClose: false }
        );
      }
    }
  });
}

/** Edit a schedule: the form on its notebook, in schedule mode, prefilled. */
function addEditScheduleCommand({
  app,
  runs,
  trans,
  forms,
  findPanel
}: IRunRemotely): void {
  app.commands.addCommand(CommandIDs.editSchedule, {
    label: trans.__('Edit Schedule'),
    caption: trans.__('Open the run form on this schedule'),
    icon: runRemotelyIcon,
    execute: async args => {
      const name = args.name as string;
      const find = () => runs.schedules.items.find(s => s.name === name);
      if (!find()) {
        await runs.schedules.reload();
      }
      const schedule = find();
      if (!schedule) {
        Notification.error(trans.__('No schedule is named %1.', name), {
          autoClose: false
        });
        return;
      }
      const path = schedule.path ?? '';
      forms.open({ path, panel: path ? findPanel(path) : null, schedule });
    }
  });
}

function addToPalette(
  trans: TranslationBundle,
  palette: ICommandPalette | null
): void {
  if (!palette) {
    return;
  }
  const category = trans.__('Remote runs');
  palette.addItem({ command: CommandIDs.runRemotely, category });
  palette.addItem({ command: CommandIDs.openRunsPanel, category });
  palette.addItem({ command: CommandIDs.showSchedules, category });
}
