import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { Run, StringMap } from '../api/types';
import { runSettingRows } from './RunSettingRows';
import { SmallButton } from './SmallButton';

/** Every setting of a run; parameter values masked until revealed. */
export function RunDetails(props: {
  run: Run;
  trans: TranslationBundle;
  /** Fetches the whole run (list items are summaries). */
  load: () => Promise<Run>;
  /** Fetches the run with `reveal=parameters`. */
  reveal: () => Promise<StringMap>;
}): JSX.Element {
  const { trans } = props;
  const [full, setFull] = React.useState<Run | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  React.useEffect(() => {
    let live = true;
    props.load().then(
      r => live && setFull(r),
      (e: Error) => live && setError(e.message)
    );
    return () => {
      live = false;
    };
  }, [props.run.id, props.run.status]);
  const run = full ?? props.run;
  const names = run.parameterNames ?? Object.keys(run.parameters ?? {});
  const rows = runSettingRows(run, trans);
  return (
    <div className="jp-SageRun-details" data-testid="sagerun-run-details-body">
      <dl>
        {rows.map(([label, value]) => (
          <React.Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </React.Fragment>
        ))}
        <dt>{trans.__('Parameters')}</dt>
        <dd>
          <ParameterValues
            trans={trans}
            names={names}
            reveal={props.reveal}
            error={error}
            setError={setError}
          />
        </dd>
      </dl>
    </div>
  );
}

/** The run's parameter names, their values masked until revealed. */
function ParameterValues(props: {
  trans: TranslationBundle;
  names: string[];
  reveal: () => Promise<StringMap>;
  /** Shared with the details' own load, as one message under the parameters. */
  error: string | null;
  setError: (error: string | null) => void;
}): JSX.Element {
  const { trans, names, error, setError } = props;
  const [values, setValues] = React.useState<StringMap | null>(null);
  const [busy, setBusy] = React.useState(false);
  const reveal = async () => {
    if (values) {
      setValues(null);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setValues(await props.reveal());
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  if (names.length === 0) {
    return <>{trans.__('none')}</>;
  }
  return (
    <>
      <ul className="jp-SageRun-paramList">
        {names.map(name => (
          <li key={name}>
            <code>{name}</code> ={' '}
            <code data-testid="sagerun-run-param-value">
              {values ? (values[name] ?? '') : '••••••'}
            </code>
          </li>
        ))}
      </ul>
      <SmallButton
        testId="sagerun-run-reveal"
        disabled={busy}
        onClick={() => void reveal()}
      >
        {values ? trans.__('Hide values') : trans.__('Show values')}
      </SmallButton>
      {error ? <div className="jp-SageRun-fieldError">{error}</div> : null}
    </>
  );
}
