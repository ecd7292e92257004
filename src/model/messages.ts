import { TranslationBundle } from '@jupyterlab/translation';

import { SageRunApiError } from '../api/errors';

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
