import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { RunContext } from '../api/types';

/** Where the run goes: backend, domain, project (and where each came from). */
export function ContextLine(props: {
  trans: TranslationBundle;
  context: RunContext | null;
  error: string | null;
}): JSX.Element {
  const { trans, context } = props;
  if (!context) {
    return (
      <div
        className="jp-SageRun-context jp-SageRun-context-error"
        data-testid="sagerun-context"
      >
        {props.error ?? trans.__('Loading where the run goes…')}
      </div>
    );
  }
  const source = (key: string) => {
    const s = context.sources?.[key];
    return s ? trans.__('from %1', s) : '';
  };
  const backend =
    context.backend === 'local'
      ? trans.__('local backend (runs on this machine)')
      : trans.__('AWS');
  return (
    <div className="jp-SageRun-context" data-testid="sagerun-context">
      <span title={source('backend')}>
        {trans.__('Backend')}: <strong>{backend}</strong>
      </span>
      <span title={source('domainId')}>
        {trans.__('Domain')}:{' '}
        <strong>{context.domainId ?? trans.__('(none)')}</strong>
      </span>
      <span title={source('projectId')}>
        {trans.__('Project')}:{' '}
        <strong>{context.projectId ?? trans.__('(none)')}</strong>
      </span>
      {context.region ? (
        <span title={source('region')}>
          {trans.__('Region')}: <strong>{context.region}</strong>
        </span>
      ) : null}
      {context.profile ? (
        <span title={source('profile')}>
          {trans.__('Profile')}: <strong>{context.profile}</strong>
        </span>
      ) : null}
    </div>
  );
}
