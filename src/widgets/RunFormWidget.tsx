import * as React from 'react';
import { Notification, ReactWidget } from '@jupyterlab/apputils';
import { Contents } from '@jupyterlab/services';
import { NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import type { SageRunClient } from '../api/client';
import { SageRunApiError } from '../api/errors';
import type { Schedule } from '../api/scheduleTypes';
import type { Run } from '../api/types';
import { RunForm } from '../components/RunForm';
import { FormSettings, RunFormState, toRequest } from '../model/formState';
import { requirementsPathFor } from '../model/environment';
import { ICellSource, sameCells, waitUntilOnDisk } from '../model/onDisk';
import { IPreSubmitCheck, IPrefill, prefill } from '../model/prefill';
import type { SubmitPhase } from '../model/submission';
import { RunSubmitter } from '../model/submitter';
import {
  initialScheduleState,
  ScheduleFormState,
  scheduleStateFromSchedule,
  toScheduleRequest
} from '../model/scheduleForm';
import { prefillFromSchedule } from '../model/schedulePrefill';

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

  private async _notebookJson(): Promise<any> {
    const panel = this._panel();
    if (panel) {
      return panel.context.model.toJSON();
    }
    const model = await this.options.contents.get(this.options.path, {
      content: true,
      type: 'notebook'
    });
    return model.content;
  }

  private async _lastRun(): Promise<Run | null> {
    // Settings of the last run of this notebook, from the server: nothing is
    // remembered in the browser, and parameter values are not fetched.
    const page = await this.options.client.listRuns({
      path: this.options.path,
      maxResults: 1
    });
    const first = page.items[0];
    return first ? this.options.client.getRun(first.id) : null;
  }

  /** requirements.txt beside the notebook, or null when there is none. */
  private _requirements = async (): Promise<string | null> => {
    if (!this.options.path) {
      return null;
    }
    const path = requirementsPathFor(this.options.path);
    const folder = path.includes('/')
      ? path.slice(0, path.lastIndexOf('/'))
      : '';
    try {
      // The folder's listing first: asking for a file that is not there answers 404,
      // which the browser reports as a console error on every form of such a notebook.
      const listing = await this.options.contents.get(folder, {
        content: true,
        type: 'directory'
      });
      const entries: Contents.IModel[] = Array.isArray(listing.content)
        ? listing.content
        : [];
      if (
        !entries.some(entry => entry.path === path && entry.type === 'file')
      ) {
        return null;
      }
      const model = await this.options.contents.get(path, {
        content: true,
        type: 'file',
        format: 'text'
      });
      return typeof model.content === 'string' ? model.content : null;
    } catch {
      return null;
    }
  };

  /** Gather what prefills the form (model/prefill.ts decides), then render it. */
  private async _load(): Promise<void> {
    const { trans, settings, rerun, path, client, schedule } = this.options;
    const [context, notebook, lastRun, requirements] = await Promise.allSettled(
      [
        client.getContext(),
        path ? this._notebookJson() : Promise.resolve(null),
        rerun || schedule || !path ? Promise.resolve(null) : this._lastRun(),
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

  private _checks(): IPreSubmitCheck[] {
    const checks = [...(this._loaded?.checks ?? [])];
    if (this._panel()?.context.model.dirty) {
      checks.unshift({
        severity: 'warning',
        pathOnly: true,
        message: this.options.trans.__(
          'The notebook has unsaved changes: "Save and run" saves them first, so the run uses what you see.'
        )
      });
    }
    return checks;
  }

  private _submit = async (
    state: RunFormState,
    onPhase: (phase: SubmitPhase) => void,
    schedule: ScheduleFormState
  ): Promise<void> => {
    const panel = this._panel();
    if (state.target === 'path' && panel) {
      await this._saveToDisk(panel, onPhase);
    }
    onPhase('starting');
    if (schedule.when === 'schedule') {
      // The server syncs the notebook, then writes the schedule (POST, or PUT to edit).
      const body = toScheduleRequest(toRequest(state), schedule);
      const { client } = this.options;
      const saved = schedule.editing
        ? await client.updateSchedule(schedule.editing, body)
        : await client.createSchedule(body);
      this.options.onScheduled(saved);
      this.options.onClose();
      return;
    }
    const run = await this._submitter.submit(toRequest(state));
    this.options.onStarted(run);
    this.options.onClose();
  };

  /**
   * Have on disk what the user sees before the server reads the file (see
   * model/onDisk.ts): save when the notebook is dirty or the file differs, then wait
   * for the file. Under jupyter-collaboration the model may be clean while the file
   * still trails the editor, and 4.x answers a save asked during its own autosave with
   * "already in progress": the wait that follows covers both.
   */
  private async _saveToDisk(
    panel: NotebookPanel,
    onPhase: (phase: SubmitPhase) => void
  ): Promise<void> {
    const read = () => this.options.client.readNotebookCells(this.options.path);
    const shown = () =>
      (panel.context.model.toJSON() as { cells?: ICellSource[] }).cells ?? [];
    if (!panel.context.model.dirty && sameCells(await read(), shown())) {
      return;
    }
    onPhase('saving');
    try {
      await panel.context.save();
    } catch (reason) {
      if (!panel.context.model.collaborative) {
        throw reason;
      }
    }
    if (!(await waitUntilOnDisk(read, shown))) {
      throw new SageRunApiError({
        status: 409,
        code: 'NotSavedYet',
        message: this.options.trans.__(
          'The notebook on disk still differs from what you see: save it, then run again.'
        ),
        retryable: true
      });
    }
  }

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
        checks={this._checks()}
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
