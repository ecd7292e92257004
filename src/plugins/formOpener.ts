import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import type { Run } from '../api/types';
import { runRemotelyIcon } from '../icons';
import { CommandIDs, ISageRunRuns } from '../tokens';
import { notifyStarted, RunFormWidget } from '../widgets/RunFormWidget';
import type { FormSettingsSource } from './formSettings';

export interface IFormOpenerOptions {
  app: JupyterFrontEnd;
  runs: ISageRunRuns;
  trans: TranslationBundle;
  settings: FormSettingsSource;
}

export interface IOpenFormOptions {
  path: string;
  panel: NotebookPanel | null;
  rerun?: Run;
}

/**
 * The run forms in the main area: one per notebook (or per run run again), brought
 * to the front when asked for a second time.
 */
export class FormOpener {
  constructor(private readonly options: IFormOpenerOptions) {}

  open({ path, panel, rerun }: IOpenFormOptions): void {
    const { app, runs, trans, settings } = this.options;
    const key = rerun ? `rerun:${rerun.id}` : path;
    const existing = this._forms.get(key);
    if (existing && !existing.isDisposed) {
      app.shell.activateById(existing.id);
      return;
    }
    let main: MainAreaWidget<RunFormWidget> | null = null;
    const content = new RunFormWidget({
      trans,
      client: runs.client,
      contents: app.serviceManager.contents,
      settings: settings.read(),
      path,
      panel,
      rerun,
      onSavePreset: settings.savePreset,
      onStarted: run => this._started(run),
      onClose: () => main?.dispose()
    });
    main = new MainAreaWidget({ content });
    main.id = `jupyter-sagerun-form-${++this._count}`;
    const name = path.split('/').pop() || rerun?.notebookId;
    main.title.label = trans.__('Run remotely: %1', name ?? '');
    main.title.icon = runRemotelyIcon;
    main.title.closable = true;
    this._forms.set(key, main);
    main.disposed.connect(() => this._forms.delete(key));
    app.shell.add(main, 'main', { mode: 'split-right' });
    app.shell.activateById(main.id);
  }

  private _started(run: Run): void {
    const { app, runs, trans } = this.options;
    runs.track(run);
    const show = () =>
      void app.commands.execute(CommandIDs.showRun, { runId: run.id });
    // Follow the new run where it can be watched to its end.
    show();
    notifyStarted(run, trans, show);
  }

  private _forms = new Map<string, MainAreaWidget<RunFormWidget>>();
  private _count = 0;
}
