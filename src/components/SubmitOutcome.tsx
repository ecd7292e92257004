import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { IPreSubmitCheck } from '../model/prefill';
import { retryReusesToken, SubmissionState } from '../model/submission';
import { FieldErrorMessage } from './Field';

/** The pre-submit checks that apply: errors block the run, warnings do not. */
export function ChecksList(props: {
  checks: IPreSubmitCheck[];
}): JSX.Element | null {
  if (!props.checks.length) {
    return null;
  }
  return (
    <ul className="jp-SageRun-checksList" data-testid="sagerun-checks">
      {props.checks.map((c, i) => (
        <li key={i} className={`jp-SageRun-check-${c.severity}`}>
          {c.message}
        </li>
      ))}
    </ul>
  );
}

/** Why the last submission failed, and whether submitting again is a safe retry. */
export function SubmitError(props: {
  trans: TranslationBundle;
  submission: SubmissionState;
}): JSX.Element | null {
  const { trans, submission } = props;
  if (submission.kind !== 'failed') {
    return null;
  }
  const { error, other } = submission;
  return (
    <div
      className="jp-SageRun-submitError"
      data-testid="sagerun-submit-error"
      role="alert"
    >
      <strong>{error.code}</strong>: {error.message}
      {retryReusesToken(submission) ? (
        <div>
          {trans.__(
            "Submit again to retry: the retry reuses this request's token, so it never starts a second run."
          )}
        </div>
      ) : null}
      {other.map(f => (
        <FieldErrorMessage
          key={f.path}
          field={f.path}
          message={`${f.path}: ${f.message}`}
        />
      ))}
      {error.requestId ? (
        <div className="jp-SageRun-hint">
          {trans.__('Request id: %1', error.requestId)}
        </div>
      ) : null}
    </div>
  );
}
