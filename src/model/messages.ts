import { TranslationBundle } from '@jupyterlab/translation';

import { SageRunApiError } from '../api/errors';
import type { RunContext } from '../api/types';

/** What an Open result failure means to the user. */
export function resultErrorMessage(
  error: SageRunApiError,
  trans: TranslationBundle
): string {
  if (error.status === 404 && error.code === 'NotFound') {
    return trans.__(
      'This server cannot export run results yet (the output route is missing).'
    );
  }
  if (error.status === 404 || error.status === 409 || error.status === 400) {
    return trans.__('This run has no result to open: %1', error.message);
  }
  return trans.__('Could not open the result: %1', error.message);
}

/**
 * The tooltip of Run remotely: where a run goes (the backend, and the domain and
 * project once `GET sagerun/context` has answered).
 */
export function runCaption(
  context: Pick<RunContext, 'backend' | 'domainId' | 'projectId'> | null,
  trans: TranslationBundle
): string {
  if (!context) {
    return trans.__(
      'Run this notebook remotely: on SageMaker Unified Studio compute, or on the local backend'
    );
  }
  if (context.backend === 'local') {
    return trans.__(
      'Run this notebook remotely on the local backend (on this machine)'
    );
  }
  return trans.__(
    'Run this notebook remotely on SageMaker Unified Studio: domain %1, project %2',
    context.domainId ?? trans.__('(none)'),
    context.projectId ?? trans.__('(none)')
  );
}
