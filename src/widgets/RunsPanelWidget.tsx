import * as React from 'react';
import { ReactWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Message } from '@lumino/messaging';

import type { PanelView } from '../components/PanelTabs';
import { RemoteRunsPanel } from '../components/RemoteRunsPanel';
import type { IRunActions } from '../components/RunRow';
import { RunsPanel, RunsStatus } from '../components/RunsPanel';
import type { IScheduleActions } from '../components/ScheduleRow';
import { SchedulesView } from '../components/SchedulesView';
import type { RunsModel } from '../model/runsModel';
import type { SchedulesModel } from '../model/schedulesModel';

/** The left sidebar's Remote runs panel: its Runs and Schedules views. */
export class RunsPanelWidget extends ReactWidget {
  constructor(
    private readonly options: {
      model: RunsModel;
      schedules: SchedulesModel;
      trans: TranslationBundle;
      actions: IRunActions;
      scheduleActions: IScheduleActions;
    }
  ) {
    super();
    this.addClass('jp-SageRun-runsPanelWidget');
  }

  /** Scroll to and mark a run (from a notification's "View run"). */
  highlight(runId: string | null): void {
    this._highlighted = runId;
    if (runId) {
      this.showView('runs');
    }
    this.update();
  }

  showView(view: PanelView): void {
    this._view = view;
    this._followShown();
    this.update();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._followShown();
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._followShown();
  }

  /** The schedules are looked at only while their view is on screen. */
  private _followShown(): void {
    this.options.schedules.setShown(
      this._view === 'schedules' && this.isVisible
    );
  }

  render(): JSX.Element {
    const { model, schedules, trans, actions } = this.options;
    return (
      <RemoteRunsPanel
        trans={trans}
        view={this._view}
        onView={view => this.showView(view)}
        onRefresh={() =>
          void (this._view === 'runs' ? model.reload() : schedules.reload())
        }
        runs={
          <RunsPanel
            model={model}
            trans={trans}
            actions={actions}
            highlighted={this._highlighted}
          />
        }
        schedules={
          <SchedulesView
            model={schedules}
            trans={trans}
            actions={this.options.scheduleActions}
            runActions={actions}
          />
        }
      />
    );
  }

  private _highlighted: string | null = null;
  private _view: PanelView = 'runs';
}

export class RunsStatusWidget extends ReactWidget {
  constructor(
    private readonly options: {
      model: RunsModel;
      trans: TranslationBundle;
      onClick: () => void;
    }
  ) {
    super();
    this.addClass('jp-SageRun-statusbarWidget');
  }

  render(): JSX.Element {
    return <RunsStatus {...this.options} />;
  }
}
