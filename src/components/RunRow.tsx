import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import { isTerminal, Run, StringMap } from '../api/types';
import { RunDetails } from './RunDetails';
import { SmallButton } from './SmallButton';
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

export function formatTime(iso?: string): string {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  return isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function formatDuration(
  start?: string,
  end?: string,
  now = Date.now()
): string {
  if (!start) {
    return '—';
  }
  const from = new Date(start).getTime();
  const to = end ? new Date(end).getTime() : now;
  if (isNaN(from) || isNaN(to)) {
    return '—';
  }
  let s = Math.max(0, Math.round((to - from) / 1000));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return h ? `${h}h ${m}m` : m ? `${m}m ${s}s` : `${s}s`;
}

export function RunRow(props: {
  run: Run;
  trans: TranslationBundle;
  actions: IRunActions;
  highlighted: boolean;
}): JSX.Element {
  const { run, trans, actions } = props;
  const [open, setOpen] = React.useState(false);
  const [working, setWorking] = React.useState(false);
  const ref = React.useRef<HTMLLIElement>(null);
  React.useEffect(() => {
    if (props.highlighted) {
      ref.current?.scrollIntoView?.({ block: 'nearest' });
    }
  }, [props.highlighted]);
  const ended = isTerminal(run.status);
  const name = run.path ? run.path.split('/').pop() : run.notebookId;
  const openResult = async (format: 'IPYNB' | 'PDF' = 'IPYNB') => {
    setWorking(true);
    try {
      await actions.openResult(run, format);
    } finally {
      setWorking(false);
    }
  };
  const diff = async (show: (r: Run) => Promise<void>) => {
    setWorking(true);
    try {
      await show(run);
    } finally {
      setWorking(false);
    }
  };
  return (
    <li
      ref={ref}
      className={
        'jp-SageRun-runRow' + (props.highlighted ? ' jp-mod-highlighted' : '')
      }
      data-testid="sagerun-run-row"
      data-run-id={run.id}
      data-status={run.status}
    >
      <div className="jp-SageRun-runHead">
        <StatusBadge status={run.status} trans={trans} />
        <span
          className="jp-SageRun-runName"
          title={trans.__('%1, run %2', run.path ?? run.notebookId, run.id)}
        >
          {name}
        </span>
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
      <div className="jp-SageRun-runActions">
        <SmallButton
          testId="sagerun-run-details"
          ariaExpanded={open}
          onClick={() => setOpen(!open)}
        >
          {open ? trans.__('Hide details') : trans.__('Details')}
        </SmallButton>
        {!ended ? (
          <SmallButton
            testId="sagerun-run-stop"
            warn
            disabled={run.status === 'STOPPING'}
            onClick={() => actions.stop(run)}
          >
            {trans.__('Stop')}
          </SmallButton>
        ) : null}
        <SmallButton
          testId="sagerun-run-again"
          onClick={() => actions.runAgain(run)}
        >
          {trans.__('Run again')}
        </SmallButton>
        {ended ? (
          <SmallButton
            testId="sagerun-run-open-result"
            disabled={working}
            onClick={() => void openResult()}
          >
            {working ? trans.__('Exporting…') : trans.__('Open result')}
          </SmallButton>
        ) : null}
        {ended ? (
          <SmallButton
            testId="sagerun-run-open-pdf"
            title={trans.__('Export the result as PDF and open it')}
            disabled={working}
            onClick={() => void openResult('PDF')}
          >
            {trans.__('PDF')}
          </SmallButton>
        ) : null}
        {ended && actions.diff && run.path ? (
          <SmallButton
            testId="sagerun-run-diff"
            title={trans.__(
              'Open the result and show its diff against the source notebook (nbdime)'
            )}
            disabled={working}
            onClick={() => actions.diff && void diff(actions.diff)}
          >
            {trans.__('Diff with source')}
          </SmallButton>
        ) : null}
      </div>
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
