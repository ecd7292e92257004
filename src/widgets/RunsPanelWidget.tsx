import * as React from 'react';
import { ReactWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import type { IRunActions } from '../components/RunRow';
import { RunsPanel, RunsStatus } from '../components/RunsPanel';
import type { RunsModel } from '../model/runsModel';

/** The left sidebar's Remote runs panel. */
export class RunsPanelWidget extends ReactWidget {
  constructor(
    private readonly options: {
      model: RunsModel;
      trans: TranslationBundle;
      actions: IRunActions;
    }
  ) {
    super();
    this.addClass('jp-SageRun-runsPanelWidget');
  }

  /** Scroll to and mark a run (from a notification's "View run"). */
  highlight(runId: string | null): void {
    this._highlighted = runId;
    this.update();
  }

  render(): JSX.Element {
    return (
      <RunsPanel
        model={this.options.model}
        trans={this.options.trans}
        actions={this.options.actions}
        highlighted={this._highlighted}
      />
    );
  }

  private _highlighted: string | null = null;
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
