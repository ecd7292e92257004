import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';

import { PanelTabs, PanelView } from './PanelTabs';

/**
 * The Remote runs panel's frame: its title, the refresh of the view shown, and
 * the Runs | Schedules tabs above that view.
 */
export function RemoteRunsPanel(props: {
  trans: TranslationBundle;
  view: PanelView;
  onView: (view: PanelView) => void;
  onRefresh: () => void;
  runs: React.ReactNode;
  schedules: React.ReactNode;
}): JSX.Element {
  const { trans, view } = props;
  return (
    <div className="jp-SageRun-runsPanel" data-testid="sagerun-runs-panel">
      <header className="jp-SageRun-runsHeader">
        <h2>{trans.__('Remote runs')}</h2>
        <button
          type="button"
          className="jp-SageRun-iconButton"
          title={trans.__('Refresh')}
          aria-label={trans.__('Refresh')}
          data-testid="sagerun-runs-refresh"
          onClick={props.onRefresh}
        >
          <refreshIcon.react tag="span" elementSize="normal" />
        </button>
      </header>
      <PanelTabs trans={trans} view={view} onChange={props.onView} />
      <div
        role="tabpanel"
        id={`sagerun-tabpanel-${view}`}
        aria-labelledby={`sagerun-tab-${view}`}
      >
        {view === 'runs' ? props.runs : props.schedules}
      </div>
    </div>
  );
}
