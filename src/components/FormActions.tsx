import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { SubmitPhase } from '../model/submission';

/**
 * The form's actions, in view at the top of the form: JupyterLab's toasts float over
 * the lower right, where a footer would sit.
 */
export function FormActions(props: {
  trans: TranslationBundle;
  progress: SubmitPhase | null;
  elapsed: number;
  invalid: boolean;
  canSubmit: boolean;
  /** The submit button's words (Run, Save and run, Create schedule…). */
  label: string;
  /** Whether the submission creates or saves a schedule (the progress says so). */
  scheduled: boolean;
  onCancel: () => void;
}): JSX.Element {
  const { trans } = props;
  return (
    <div className="jp-SageRun-actions" data-testid="sagerun-actions">
      {props.progress ? (
        <span
          className="jp-SageRun-progress"
          role="status"
          data-testid="sagerun-progress"
        >
          <span className="jp-SageRun-spinner" aria-hidden="true" />
          {props.progress === 'saving'
            ? trans.__('Saving the notebook…')
            : props.scheduled
              ? trans.__(
                  'Syncing the notebook and saving the schedule… %1 s',
                  props.elapsed
                )
              : trans.__(
                  'Syncing the notebook and starting the run… %1 s',
                  props.elapsed
                )}
        </span>
      ) : props.invalid ? (
        <span className="jp-SageRun-hint">
          {trans.__('Fix the fields marked in red to run.')}
        </span>
      ) : null}
      <button
        type="button"
        className="jp-mod-styled jp-mod-reject"
        data-testid="sagerun-cancel"
        onClick={props.onCancel}
      >
        {trans.__('Cancel')}
      </button>
      <button
        type="submit"
        className="jp-mod-styled jp-mod-accept"
        data-testid="sagerun-submit"
        disabled={!props.canSubmit}
        title={trans.__('Ctrl+Enter in any field')}
      >
        {props.label}
      </button>
    </div>
  );
}
