import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { RunsModel } from '../model/runsModel';
import { IRunActions, RunRow } from './RunRow';
import { RunFilterBar } from './RunFilterBar';
import { useModelChanged } from './useModelChanged';

/** The panel's Runs view: filters, the runs newest first, load more. */
export function RunsPanel(props: {
  model: RunsModel;
  trans: TranslationBundle;
  actions: IRunActions;
  highlighted: string | null;
}): JSX.Element {
  const { model, trans } = props;
  useModelChanged(model);
  const { scope } = model.filters;
  const shown = model.shownItems;
  const elsewhere = model.items.length - shown.length;
  const noNotebook = scope === 'notebook' && !model.notebookPath;
  return (
    <div className="jp-SageRun-runsView" data-testid="sagerun-runs-view">
      <RunFilterBar model={model} trans={trans} />
      {scope === 'notebook' && model.notebookPath ? (
        <div className="jp-SageRun-hint jp-SageRun-scopeHint">
          {model.notebookPath}
        </div>
      ) : null}
      {model.error ? (
        <div
          className="jp-SageRun-submitError"
          role="alert"
          data-testid="sagerun-runs-error"
        >
          {model.error.status === 404 && model.error.code === 'NotFound' ? (
            trans.__(
              'The jupyter_sagerun server extension does not answer: is it installed and enabled (jupyter server extension list)?'
            )
          ) : (
            <>
              <strong>{model.error.code}</strong>: {model.error.message}
            </>
          )}
        </div>
      ) : null}
      {noNotebook ? (
        <div className="jp-SageRun-empty">
          {trans.__('Open a notebook to see its runs, or show all notebooks.')}
        </div>
      ) : shown.length === 0 && !model.loading ? (
        <div className="jp-SageRun-empty">{trans.__('No runs yet.')}</div>
      ) : null}
      {elsewhere > 0 ? (
        <div className="jp-SageRun-hint" data-testid="sagerun-runs-elsewhere">
          {trans._n(
            '%1 run of a notebook in another workspace is hidden.',
            '%1 runs of notebooks in other workspaces are hidden.',
            elsewhere
          )}
        </div>
      ) : null}
      <ul className="jp-SageRun-runList">
        {shown.map(run => (
          <RunRow
            key={run.id}
            run={run}
            trans={trans}
            actions={props.actions}
            highlighted={run.id === props.highlighted}
          />
        ))}
      </ul>
      {model.loading ? (
        <div className="jp-SageRun-loading">
          <span className="jp-SageRun-spinner" aria-hidden="true" />
          {trans.__('Loading…')}
        </div>
      ) : null}
      {model.nextToken ? (
        <button
          type="button"
          className="jp-mod-styled jp-SageRun-loadMore"
          data-testid="sagerun-runs-load-more"
          disabled={model.loading}
          onClick={() => void model.loadMore()}
        >
          {trans.__('Load more')}
        </button>
      ) : null}
    </div>
  );
}

/** The status bar item: active runs; a click opens the panel. */
export function RunsStatus(props: {
  model: RunsModel;
  trans: TranslationBundle;
  onClick: () => void;
}): JSX.Element {
  useModelChanged(props.model);
  const n = props.model.activeCount;
  return (
    <button
      type="button"
      className="jp-SageRun-statusbar"
      data-testid="sagerun-statusbar"
      data-active={n}
      title={props.trans.__('Remote runs: click to open the panel')}
      onClick={props.onClick}
    >
      {props.trans._n('%1 remote run active', '%1 remote runs active', n)}
    </button>
  );
}
