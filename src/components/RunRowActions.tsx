import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import { isTerminal, Run } from '../api/types';
import { inThisWorkspace } from '../model/workspaceFilter';
import type { IRunActions } from './RunRow';
import { SmallButton } from './SmallButton';

/**
 * A run's buttons: details, stop while it runs, run again, and once it ended its
 * result (notebook or PDF) and, with nbdime, the diff against its source.
 */
export function RunRowActions(props: {
  run: Run;
  trans: TranslationBundle;
  actions: IRunActions;
  open: boolean;
  onToggleDetails: () => void;
}): JSX.Element {
  const { run, trans, actions, open } = props;
  const [working, setWorking] = React.useState(false);
  const ended = isTerminal(run.status);
  // Its notebook is another server's file: opening it here would be a 404.
  const here = inThisWorkspace(run);
  // One export at a time: the result's buttons wait for it.
  const exporting = async (work: () => Promise<void>) => {
    setWorking(true);
    try {
      await work();
    } finally {
      setWorking(false);
    }
  };
  const openResult = (format: 'IPYNB' | 'PDF' = 'IPYNB') =>
    exporting(() => actions.openResult(run, format));
  const diff = (show: (r: Run) => Promise<void>) => exporting(() => show(run));
  return (
    <div className="jp-SageRun-runActions">
      <SmallButton
        testId="sagerun-run-details"
        ariaExpanded={open}
        onClick={props.onToggleDetails}
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
      {here ? (
        <SmallButton
          testId="sagerun-run-again"
          onClick={() => actions.runAgain(run)}
        >
          {trans.__('Run again')}
        </SmallButton>
      ) : null}
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
      {ended && actions.diff && run.path && here ? (
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
  );
}
