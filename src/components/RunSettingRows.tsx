import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { Run } from '../api/types';
import { formatHours } from '../model/format';
import { scheduleOfRun } from './ScheduledBadge';
import { ShortId } from './ShortId';

/** The local backend's runs say they are "created by" it ("local"). */
const LOCAL_CREATOR = 'local';

/** The schedule that started the run: its name, and its identifier when that differs. */
function scheduleText(run: Run, trans: TranslationBundle): string {
  const name = scheduleOfRun(run);
  if (!name) {
    return run.scheduleId ?? trans.__('none');
  }
  return run.scheduleId && run.scheduleId !== name
    ? trans.__('%1 (id %2)', name, run.scheduleId)
    : name;
}

/** The image version; the local backend's note about it is a tooltip, not lines. */
function imageVersionText(run: Run, trans: TranslationBundle): React.ReactNode {
  const version =
    run.environmentConfiguration?.imageVersion ?? trans.__('(default)');
  return run.createdBy === LOCAL_CREATOR ? (
    <span
      className="jp-SageRun-noted"
      title={trans.__(
        'Recorded only: the local backend runs every image version on its own Python.'
      )}
    >
      {trans.__('%1 (recorded)', version)}
    </span>
  ) : (
    version
  );
}

/** Network settings one per line: access type, VPC, subnets, security groups. */
function networkText(run: Run, trans: TranslationBundle): React.ReactNode {
  const network = run.networkConfiguration;
  if (!network) {
    return trans.__('(default)');
  }
  const lines = [
    network.networkAccessType === 'VPC_ONLY'
      ? trans.__('VPC only')
      : network.networkAccessType === 'PUBLIC_INTERNET_ONLY'
        ? trans.__('Public internet only')
        : network.networkAccessType,
    network.vpcId,
    (network.subnetIds ?? []).join(', '),
    (network.securityGroupIds ?? []).join(', ')
  ].filter(Boolean);
  return (
    <>
      {lines.map(line => (
        <div key={line}>{line}</div>
      ))}
    </>
  );
}

/** A run's settings as label and value, in the order the details list them. */
export function runSettingRows(
  run: Run,
  trans: TranslationBundle
): Array<[string, React.ReactNode]> {
  return [
    [
      trans.__('Run id'),
      <ShortId id={run.id} trans={trans} testId="sagerun-detail-run-id" />
    ],
    [
      trans.__('Notebook'),
      <>
        {run.path ? <div>{run.path}</div> : null}
        <div>
          <ShortId
            id={run.notebookId}
            trans={trans}
            testId="sagerun-detail-notebook-id"
          />
        </div>
      </>
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
    [trans.__('Network'), networkText(run, trans)],
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
    [trans.__('Schedule'), scheduleText(run, trans)],
    [
      trans.__('Trigger'),
      [run.triggerSource?.type, run.triggerSource?.name]
        .filter(Boolean)
        .join(' · ') || trans.__('none')
    ],
    [trans.__('Created by'), run.createdBy ?? '']
  ];
}
