import * as React from 'react';
import { Notification, ReactWidget } from '@jupyterlab/apputils';
import { Contents } from '@jupyterlab/services';
import { NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import type { SageRunClient } from '../api/client';
import type { Schedule } from '../api/scheduleTypes';
import type { Run } from '../api/types';
import { RunForm } from '../components/RunForm';
import { FormSettings, RunFormState } from '../model/formState';
import {
  lastRunOf,
  notebookOnDisk,
  requirementsBeside
} from '../model/formSources';
import { checksNow, IPrefill, prefill } from '../model/prefill';
import type { SubmitPhase } from '../model/submission';
import { RunSubmitter } from '../model/submitter';
import {
  initialScheduleState,
  ScheduleFormState,
  scheduleStateFromSchedule
} from '../model/scheduleForm';
import { prefillFromSchedule } from '../model/schedulePrefill';
import { submitForm } from './submitForm';

export interface IRunFormWidgetOptions {
  trans: TranslationBundle;
  client: SageRunClient;
  contents: Contents.IManager;
  settings: FormSettings;
  path: string;
  /** The open notebook of `path`, when there is one (dirty state, save). */
  panel: NotebookPanel | null;
  /** Run again: this run's settings, with its parameters revealed. */
  rerun?: Run;
  /** Edit: the form opens on this schedule, in schedule mode; submit PUTs. */
  schedule?: Schedule;
  onStarted: (run: Run) => void;
  /** A schedule was created or saved. */
  onScheduled: (schedule: Schedule) => void;
  onSavePreset: (state: RunFormState) => Promise<void>;
  onClose: () => void;
}

/** The run form of one notebook: loads what prefills it, then renders it. */
export class RunFormWidget extends ReactWidget {
  constructor(private options: IRunFormWidgetOptions) {
    super();
    this.addClass('jp-SageRun-formWidget');
    this._submitter = new RunSubmitter(request =>
      options.client.startRun(request)
    );
    options.panel?.context.model.stateChanged.connect(this._onModelState, this);
    options.panel?.disposed.connect(this._onPanelDisposed, this);
    void this._load();
  }

  dispose(): void {
    this.options.panel?.context.model.stateChanged.disconnect(
      this._onModelState,
      this
    );
    super.dispose();
  }

  private _panel(): NotebookPanel | null {
    const panel = this.options.panel;
    return panel && !panel.isDisposed ? panel : null;
  }

  private _onPanelDisposed(): void {
    this.options.panel = null;
    this.update();
  }

  private _onModelState(_: unknown, change: { name: string }): void {
    if (change.name === 'dirty') {
      this.update();
    }
  }

  private async _notebookJson(): Promise<unknown> {
    const panel = this._panel();
    return panel
      ? panel.context.model.toJSON()
      : notebookOnDisk(this.options.contents, this.options.path);
  }

  private _requirements = (): Promise<string | null> =>
    requirementsBeside(this.options.contents, this.options.path);

  /** Gather what prefills the form (model/prefill.ts decides), then render it. */
  private async _load(): Promise<void> {
    const { trans, settings, rerun, path, client, schedule } = this.options;
    const [context, notebook, lastRun, requirements] = await Promise.allSettled(
      [
        client.getContext(),
        path ? this._notebookJson() : Promise.resolve(null),
        rerun || schedule || !path
          ? Promise.resolve(null)
          : lastRunOf(client, path),
        this._requirements()
      ]
    );
    this._loaded = prefill(
      {
        settings,
        path,
        rerun,
        context,
        notebook: path ? notebook : null,
        lastRun: lastRun.status === 'fulfilled' ? lastRun.value : null,
        requirements:
          requirements.status === 'fulfilled' ? requirements.value : null
      },
      trans
    );
    if (schedule) {
      this._loaded.initial = prefillFromSchedule(
        this._loaded.initial,
        schedule,
        this._loaded.cell.parameters
      );
    }
    this._schedule = schedule
      ? scheduleStateFromSchedule(schedule)
      : initialScheduleState(path);
    this.update();
  }

  private _submit = (
    state: RunFormState,
    onPhase: (phase: SubmitPhase) => void,
    schedule: ScheduleFormState
  ): Promise<void> =>
    submitForm(
      { ...this.options, panel: this._panel(), submitter: this._submitter },
      state,
      schedule,
      onPhase
    );

  render(): JSX.Element {
    const { trans } = this.options;
    const loaded = this._loaded;
    if (!loaded) {
      return (
        <div className="jp-SageRun-loading" data-testid="sagerun-form-loading">
          <span className="jp-SageRun-spinner" aria-hidden="true" />
          {trans.__('Loading…')}
        </div>
      );
    }
    return (
      <RunForm
        trans={trans}
        context={loaded.context}
        contextError={loaded.contextError}
        notebookPath={this.options.path}
        initial={loaded.initial}
        suggestions={this.options.settings.instanceTypeSuggestions}
        presets={this.options.settings.presets}
        cellNames={
          loaded.cell.found ? loaded.cell.parameters.map(p => p.name) : null
        }
        checks={checksNow(
          loaded.checks,
          !!this._panel()?.context.model.dirty,
          trans
        )}
        dirty={!!this._panel()?.context.model.dirty}
        loadNotebooks={async () =>
          (await this.options.client.listNotebooks({ maxResults: 50 })).items
        }
        onSubmit={this._submit}
        schedules={
          this._schedule
            ? {
                initial: this._schedule,
                availability: loaded.context?.schedules ?? null,
                preview: body => this.options.client.previewSchedule(body)
              }
            : undefined
        }
        onCancel={this.options.onClose}
        onSavePreset={this.options.onSavePreset}
        environment={{
          source: loaded.packagesSource,
          requirementsPath: loaded.requirementsPath,
          loadRequirements: this._requirements
        }}
      />
    );
  }

  private _loaded: IPrefill | null = null;
  private _schedule: ScheduleFormState | null = null;
  private _submitter: RunSubmitter;
}

export { errorMessage } from '../model/prefill';

export function notifyStarted(
  run: Run,
  trans: TranslationBundle,
  view: () => void
): void {
  const name = run.path ? run.path.split('/').pop() : run.notebookId;
  Notification.success(
    trans.__('Remote run of %1 started (%2).', name, run.id),
    {
      autoClose: 8000,
      actions: [{ label: trans.__('View run'), callback: view }]
    }
  );
}
