import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { Run, StringMap } from '../api/types';
import { formatHours } from './FormSections';
import { SmallButton } from './SmallButton';

/** The local backend's runs say they are "created by" it ("local"). */
const LOCAL_CREATOR = 'local';

function imageVersionText(run: Run, trans: TranslationBundle): string {
  const version =
    run.environmentConfiguration?.imageVersion ?? trans.__('(default)');
  return run.createdBy === LOCAL_CREATOR
    ? trans.__(
        '%1 (recorded: the local backend runs every image version on its own Python)',
        version
      )
    : version;
}

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
  const [values, setValues] = React.useState<StringMap | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState(false);
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
  const rows: Array<[string, React.ReactNode]> = [
    [trans.__('Run id'), run.id],
    [
      trans.__('Notebook'),
      run.path ? `${run.path} (${run.notebookId})` : run.notebookId
    ],
    [trans.__('Domain / project'), `${run.domainId} / ${run.owningProjectId}`],
    [
      trans.__('Instance type'),
      run.computeConfiguration?.instanceType ?? trans.__('(default)')
    ],
    [
      trans.__('Compute environment version'),
      run.computeConfiguration?.environmentVersion ?? trans.__('(default)')
    ],
    [trans.__('Image version'), imageVersionText(run, trans)],
    [
      trans.__('Packages'),
      run.environmentConfiguration?.packageConfig?.packageSpecification?.trim() ? (
        <pre
          className="jp-SageRun-packagesList"
          data-testid="sagerun-run-packages"
        >
          {run.environmentConfiguration.packageConfig.packageSpecification}
        </pre>
      ) : (
        trans.__('none')
      )
    ],
    [
      trans.__('Network'),
      run.networkConfiguration
        ? [
            run.networkConfiguration.networkAccessType,
            run.networkConfiguration.vpcId,
            (run.networkConfiguration.subnetIds ?? []).join(', '),
            (run.networkConfiguration.securityGroupIds ?? []).join(', ')
          ]
            .filter(Boolean)
            .join(' · ')
        : trans.__('(default)')
    ],
    [
      trans.__('Timeout'),
      run.timeoutConfiguration?.runTimeoutInMinutes
        ? `${run.timeoutConfiguration.runTimeoutInMinutes} min (${formatHours(
            run.timeoutConfiguration.runTimeoutInMinutes,
            trans
          )})`
        : trans.__('(default)')
    ],
    [
      trans.__('Notifications'),
      (run.notificationConfiguration?.notifyOn ?? []).join(', ') ||
        trans.__('none')
    ],
    [
      trans.__('Metadata'),
      Object.entries(run.metadata ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || trans.__('none')
    ],
    [trans.__('Schedule'), run.scheduleId ?? trans.__('none')],
    [
      trans.__('Trigger'),
      [run.triggerSource?.type, run.triggerSource?.name]
        .filter(Boolean)
        .join(' · ') || trans.__('none')
    ],
    [trans.__('Created by'), run.createdBy ?? '']
  ];
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
          {names.length === 0 ? (
            trans.__('none')
          ) : (
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
              {error ? (
                <div className="jp-SageRun-fieldError">{error}</div>
              ) : null}
            </>
          )}
        </dd>
      </dl>
    </div>
  );
}
