import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { Run, StringMap } from '../api/types';
import { formatDuration, formatTime } from '../model/format';
import { RunDetails } from './RunDetails';
import { RunRowActions } from './RunRowActions';
import { inThisWorkspace } from '../model/workspaceFilter';
import { ScheduledBadge } from './ScheduledBadge';
import { StatusBadge } from './StatusBadge';

export interface IRunActions {
  stop: (run: Run) => void;
  runAgain: (run: Run) => void;
  openResult: (run: Run, format?: 'IPYNB' | 'PDF') => Promise<void>;
  /** Absent when nbdime is not installed: then no diff is offered. */
  diff?: (run: Run) => Promise<void>;
  reveal: (run: Run) => Promise<StringMap>;
  load: (run: Run) => Promise<Run>;
}

export function RunRow(props: {
  run: Run;
  trans: TranslationBundle;
  actions: IRunActions;
  highlighted: boolean;
}): JSX.Element {
  const { run, trans, actions } = props;
  const [open, setOpen] = React.useState(false);
  const ref = React.useRef<HTMLLIElement>(null);
  React.useEffect(() => {
    if (props.highlighted) {
      ref.current?.scrollIntoView?.({ block: 'nearest' });
    }
  }, [props.highlighted]);
  const name = run.path ? run.path.split('/').pop() : run.notebookId;
  return (
    <li
      ref={ref}
      className={
        'jp-SageRun-runRow' + (props.highlighted ? ' jp-mod-highlighted' : '')
      }
      data-testid="sagerun-run-row"
      data-run-id={run.id}
      data-status={run.status}
      data-in-workspace={inThisWorkspace(run)}
    >
      <div className="jp-SageRun-runHead">
        <StatusBadge status={run.status} trans={trans} />
        <span
          className="jp-SageRun-runName"
          title={trans.__('%1, run %2', run.path ?? run.notebookId, run.id)}
        >
          {name}
        </span>
        <ScheduledBadge run={run} trans={trans} />
        {inThisWorkspace(run) ? null : (
          <span
            className="jp-SageRun-elsewhereBadge"
            data-testid="sagerun-run-elsewhere"
            title={trans.__(
              '%1 is not a file of this Jupyter server: the run was started from another workspace of the project',
              run.path ?? run.notebookId
            )}
          >
            {trans.__('not in this workspace')}
          </span>
        )}
      </div>
      <div className="jp-SageRun-runTimes">
        <span title={trans.__('Started')}>
          {trans.__('Started %1', formatTime(run.startedAt ?? run.createdAt))}
        </span>
        {run.completedAt ? (
          <span title={trans.__('Finished')}>
            {trans.__('Finished %1', formatTime(run.completedAt))}
          </span>
        ) : null}
        <span title={trans.__('Duration')}>
          {formatDuration(run.startedAt ?? run.createdAt, run.completedAt)}
        </span>
      </div>
      {run.status === 'FAILED' && run.error?.message ? (
        <div className="jp-SageRun-runError" data-testid="sagerun-run-error">
          {run.error.message}
        </div>
      ) : null}
      <RunRowActions
        run={run}
        trans={trans}
        actions={actions}
        open={open}
        onToggleDetails={() => setOpen(!open)}
      />
      {open ? (
        <RunDetails
          run={run}
          trans={trans}
          load={() => actions.load(run)}
          reveal={() => actions.reveal(run)}
        />
      ) : null}
    </li>
  );
}
