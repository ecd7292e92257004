import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { SmusNotebook } from '../api/types';
import type { RunFormState } from '../model/formState';
import { FIELD, FieldErrors } from '../model/validation';
import { FieldErrorMessage, Section } from './Field';

/** Which notebook runs: this file (synced first) or an existing SMUS notebook. */
export function TargetSection(props: {
  trans: TranslationBundle;
  state: RunFormState;
  errors: FieldErrors;
  update: (patch: Partial<RunFormState>, fields: string[]) => void;
  notebookPath: string;
  loadNotebooks: () => Promise<SmusNotebook[]>;
}): JSX.Element {
  const { trans, state, update } = props;
  const [notebooks, setNotebooks] = React.useState<SmusNotebook[] | null>(null);
  const [loadError, setLoadError] = React.useState<string | null>(null);

  React.useEffect(() => {
    if (state.target !== 'notebookId' || notebooks !== null) {
      return;
    }
    props.loadNotebooks().then(
      items => setNotebooks(items),
      (e: Error) => {
        setNotebooks([]);
        setLoadError(e.message);
      }
    );
  }, [state.target]);

  return (
    <Section title={trans.__('Notebook')}>
      <div className="jp-SageRun-radios" role="radiogroup">
        <label>
          <input
            type="radio"
            name="sagerun-target"
            data-testid="sagerun-target-path"
            checked={state.target === 'path'}
            disabled={!props.notebookPath}
            onChange={() => update({ target: 'path' }, [FIELD.notebookId])}
          />
          {trans.__('This notebook, synced to the project before the run:')}{' '}
          <code data-testid="sagerun-notebook-path">{props.notebookPath}</code>
        </label>
        <label>
          <input
            type="radio"
            name="sagerun-target"
            data-testid="sagerun-target-smus"
            checked={state.target === 'notebookId'}
            onChange={() => update({ target: 'notebookId' }, [])}
          />
          {trans.__('A notebook already in the project')}
        </label>
      </div>
      {state.target === 'notebookId' ? (
        <SmusNotebookPicker
          {...props}
          notebooks={notebooks}
          loadError={loadError}
        />
      ) : null}
    </Section>
  );
}

/** The project's notebooks to pick from (the one set stays listed if not found). */
function SmusNotebookPicker(props: {
  trans: TranslationBundle;
  state: RunFormState;
  errors: FieldErrors;
  update: (patch: Partial<RunFormState>, fields: string[]) => void;
  notebooks: SmusNotebook[] | null;
  loadError: string | null;
}): JSX.Element {
  const { trans, state, update, notebooks, loadError } = props;
  return (
    <div className="jp-SageRun-field">
      <label htmlFor="sagerun-notebook-id">{trans.__('Notebook')}</label>
      <div className="jp-SageRun-control">
        <select
          id="sagerun-notebook-id"
          className="jp-mod-styled"
          data-testid="sagerun-notebook-id"
          value={state.notebookId}
          onChange={e =>
            update({ notebookId: e.target.value }, [FIELD.notebookId])
          }
        >
          <option value="">
            {notebooks === null
              ? trans.__('Loading…')
              : trans.__('Pick a notebook (%1)', notebooks.length)}
          </option>
          {state.notebookId &&
          notebooks &&
          !notebooks.some(n => n.id === state.notebookId) ? (
            <option value={state.notebookId}>{state.notebookId}</option>
          ) : null}
          {(notebooks ?? []).map(n => (
            <option key={n.id} value={n.id}>
              {n.name} ({n.id}, {n.status})
            </option>
          ))}
        </select>
        {loadError ? (
          <div className="jp-SageRun-fieldError" role="alert">
            {loadError}
          </div>
        ) : null}
        <FieldErrorMessage
          field={FIELD.notebookId}
          message={props.errors[FIELD.notebookId]}
        />
      </div>
    </div>
  );
}
