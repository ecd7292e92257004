import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { RunStatus } from '../api/types';

export function statusLabel(
  status: RunStatus | string,
  trans: TranslationBundle
): string {
  switch (status) {
    case 'QUEUED':
      return trans.__('Queued');
    case 'STARTING':
      return trans.__('Starting');
    case 'RUNNING':
      return trans.__('Running');
    case 'STOPPING':
      return trans.__('Stopping');
    case 'STOPPED':
      return trans.__('Stopped');
    case 'SUCCEEDED':
      return trans.__('Succeeded');
    case 'FAILED':
      return trans.__('Failed');
    default:
      return String(status);
  }
}

/** A coloured badge for each of the seven run states. */
export function StatusBadge(props: {
  status: RunStatus;
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <span
      className={`jp-SageRun-badge jp-SageRun-badge-${props.status.toLowerCase()}`}
      data-testid="sagerun-status-badge"
    >
      {statusLabel(props.status, props.trans)}
    </span>
  );
}
