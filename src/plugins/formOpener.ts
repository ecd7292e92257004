import { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget, Notification } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import type { Schedule } from '../api/scheduleTypes';
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
  /** Edit this schedule (the form in schedule mode, PUT on submit). */
  schedule?: Schedule;
}

/**
 * The run forms in the main area: one per notebook (or per run run again), brought
 * to the front when asked for a second time.
 */
export class FormOpener {
  constructor(private readonly options: IFormOpenerOptions) {}

  open({ path, panel, rerun, schedule }: IOpenFormOptions): void {
    const { app, runs, trans, settings } = this.options;
    const key = rerun
      ? `rerun:${rerun.id}`
      : schedule
        ? `schedule:${schedule.name}`
        : path;
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
      schedule,
      onSavePreset: settings.savePreset,
      onStarted: run => this._started(run),
      onScheduled: saved => this._scheduled(saved, !!schedule),
      onClose: () => main?.dispose()
    });
    main = new MainAreaWidget({ content });
    main.id = `jupyter-sagerun-form-${++this._count}`;
    const name = path.split('/').pop() || rerun?.notebookId;
    main.title.label = schedule
      ? trans.__('Schedule: %1', schedule.name)
      : trans.__('Run remotely: %1', name ?? '');
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

  /** A schedule saved: show it in the panel's Schedules view, and say so. */
  private _scheduled(schedule: Schedule, edited: boolean): void {
    const { app, runs, trans } = this.options;
    void runs.schedules.reload();
    const show = () => void app.commands.execute(CommandIDs.showSchedules, {});
    show();
    Notification.success(
      edited
        ? trans.__(
            'Saved the schedule %1: %2.',
            schedule.name,
            schedule.description
          )
        : trans.__(
            'Created the schedule %1: %2.',
            schedule.name,
            schedule.description
          ),
      { autoClose: 8000 }
    );
  }

  private _forms = new Map<string, MainAreaWidget<RunFormWidget>>();
  private _count = 0;
}
