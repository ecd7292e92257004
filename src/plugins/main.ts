import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  InputDialog,
  MainAreaWidget,
  Notification
} from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import type { Run, RunContext } from '../api/types';
import { runRemotelyIcon } from '../icons';
import {
  DEFAULT_SETTINGS,
  FormSettings,
  Preset,
  presetFromState,
  RunFormState
} from '../model/formState';
import { runCaption } from '../model/messages';
import { asApiError } from '../model/runsModel';
import {
  CommandIDs,
  ISageRunRuns,
  PLUGIN_ID,
  TRANSLATION_DOMAIN
} from '../tokens';
import { notifyStarted, RunFormWidget } from '../widgets/RunFormWidget';

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
    let settings: ISettingRegistry.ISettings | null = null;
    const forms = new Map<string, MainAreaWidget<RunFormWidget>>();
    let formCount = 0;

    const readSettings = (): FormSettings => {
      if (!settings) {
        return DEFAULT_SETTINGS;
      }
      const get = <T>(key: keyof FormSettings): T =>
        (settings!.get(key).composite as T) ??
        (DEFAULT_SETTINGS[key] as unknown as T);
      return {
        defaultInstanceType: get('defaultInstanceType'),
        instanceTypeSuggestions: get('instanceTypeSuggestions'),
        defaultEnvironmentVersion: get('defaultEnvironmentVersion'),
        defaultTimeoutMinutes: get('defaultTimeoutMinutes'),
        defaultNetworkAccessType: get('defaultNetworkAccessType'),
        defaultNotifyOn: get('defaultNotifyOn'),
        defaultPreset: get('defaultPreset'),
        presets: get('presets')
      };
    };

    const savePreset = async (state: RunFormState): Promise<void> => {
      if (!settings) {
        Notification.warning(
          trans.__('Settings are not available: cannot save a preset.')
        );
        return;
      }
      const answer = await InputDialog.getText({
        title: trans.__('Save as preset'),
        label: trans.__('Preset name (parameter values are not saved)'),
        okLabel: trans.__('Save')
      });
      const name = answer.value?.trim();
      if (!answer.button.accept || !name) {
        return;
      }
      const preset: Preset = presetFromState(name, state);
      const presets = readSettings().presets.filter(p => p.name !== name);
      try {
        await settings.set('presets', [...presets, preset] as any);
        Notification.success(trans.__('Saved preset "%1".', name), {
          autoClose: 3000
        });
      } catch (reason) {
        Notification.error(
          trans.__('Could not save preset "%1": %2', name, String(reason)),
          { autoClose: false }
        );
      }
    };

    const findPanel = (path: string): NotebookPanel | null => {
      const widget = docManager?.findWidget(path);
      return widget instanceof NotebookPanel ? widget : null;
    };

    const openForm = (options: {
      path: string;
      panel: NotebookPanel | null;
      rerun?: Run;
    }): void => {
      const key = options.rerun ? `rerun:${options.rerun.id}` : options.path;
      const existing = forms.get(key);
      if (existing && !existing.isDisposed) {
        app.shell.activateById(existing.id);
        return;
      }
      let main: MainAreaWidget<RunFormWidget> | null = null;
      const content = new RunFormWidget({
        trans,
        client: runs.client,
        contents: app.serviceManager.contents,
        settings: readSettings(),
        path: options.path,
        panel: options.panel,
        rerun: options.rerun,
        onSavePreset: savePreset,
        onStarted: run => {
          runs.track(run);
          const show = () =>
            void app.commands.execute(CommandIDs.showRun, { runId: run.id });
          // Follow the new run where it can be watched to its end.
          show();
          notifyStarted(run, trans, show);
        },
        onClose: () => main?.dispose()
      });
      main = new MainAreaWidget({ content });
      main.id = `jupyter-sagerun-form-${++formCount}`;
      const name = options.path.split('/').pop() || options.rerun?.notebookId;
      main.title.label = trans.__('Run remotely: %1', name ?? '');
      main.title.icon = runRemotelyIcon;
      main.title.closable = true;
      forms.set(key, main);
      main.disposed.connect(() => forms.delete(key));
      app.shell.add(main, 'main', { mode: 'split-right' });
      app.shell.activateById(main.id);
    };

    // Where a run goes, once the server has said (GET sagerun/context).
    let destination: RunContext | null = null;
    void runs.client
      .getContext()
      .then(context => {
        destination = context;
        app.commands.notifyCommandChanged(CommandIDs.runRemotely);
        app.commands.notifyCommandChanged(CommandIDs.runRemotelyFile);
      })
      .catch(() => undefined);
    const caption = () => runCaption(destination, trans);

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
        openForm({ path: panel.context.path, panel });
      }
    });

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
          openForm({ path, panel: findPanel(path) });
        }
      }
    });

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
          openForm({ path, panel: path ? findPanel(path) : null, rerun: run });
        } catch (e) {
          Notification.error(
            trans.__('Could not load run %1: %2', runId, asApiError(e).message),
            { autoClose: false }
          );
        }
      }
    });

    if (palette) {
      const category = trans.__('Remote runs');
      palette.addItem({ command: CommandIDs.runRemotely, category });
      palette.addItem({ command: CommandIDs.openRunsPanel, category });
    }

    tracker?.currentChanged.connect(() => {
      app.commands.notifyCommandChanged(CommandIDs.runRemotely);
    });

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(loaded => {
          settings = loaded;
        })
        .catch(reason =>
          console.warn('jupyter_sagerun: could not load settings', reason)
        );
    }
  }
};
