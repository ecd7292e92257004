import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import { LIMITS } from '../api/limits';
import { SageRunApiError } from '../api/errors';
import type { RunContext, SmusNotebook } from '../api/types';
import type { Preset, RunFormState } from '../model/formState';
import { applyPreset } from '../model/formState';
import {
  FIELD,
  FieldErrors,
  rowPaths,
  unknownParameterKeys,
  validateForm
} from '../model/validation';
import { ENVIRONMENT_FIELD } from '../model/environment';
import {
  EnvironmentSection,
  IEnvironmentSectionProps
} from './EnvironmentSection';
import { FieldErrorMessage, Section } from './Field';
import {
  AdvancedSection,
  ComputeSection,
  NetworkSection,
  NotificationsSection,
  TimeoutSection
} from './FormSections';
import { KeyValueEditor } from './KeyValueEditor';
import { ContextLine, TargetSection } from './TargetSection';

export interface IPreSubmitCheck {
  severity: 'error' | 'warning';
  message: string;
  /** Only about the workspace file (not when an existing SMUS notebook runs). */
  pathOnly?: boolean;
}

export type SubmitPhase = 'saving' | 'starting';

export interface IRunFormProps {
  trans: TranslationBundle;
  context: RunContext | null;
  contextError: string | null;
  notebookPath: string;
  initial: RunFormState;
  suggestions: string[];
  presets: Preset[];
  /** Names the parameters cell defines; null when it has no such cell. */
  cellNames: string[] | null;
  checks: IPreSubmitCheck[];
  dirty: boolean;
  loadNotebooks: () => Promise<SmusNotebook[]>;
  onSubmit: (
    state: RunFormState,
    onPhase: (phase: SubmitPhase) => void
  ) => Promise<void>;
  onCancel: () => void;
  onSavePreset: (state: RunFormState) => Promise<void>;
  /** Where the packages came from, and requirements.txt beside the notebook. */
  environment: Pick<
    IEnvironmentSectionProps,
    'source' | 'requirementsPath' | 'loadRequirements'
  >;
}

/** Map server field paths onto the fields the form shows. */
export function placeServerErrors(
  fields: { path: string; message: string }[],
  known: Set<string>
): { placed: FieldErrors; other: { path: string; message: string }[] } {
  const placed: FieldErrors = {};
  const other: { path: string; message: string }[] = [];
  for (const f of fields) {
    let path = f.path;
    while (!known.has(path) && /(\[\d+\]|\.[^.[\]]+)$/.test(path)) {
      path = path.replace(/(\[\d+\]|\.[^.[\]]+)$/, '');
    }
    if (known.has(path)) {
      placed[path] = placed[path] ? `${placed[path]} ${f.message}` : f.message;
    } else {
      other.push(f);
    }
  }
  return { placed, other };
}

export function RunForm(props: IRunFormProps): JSX.Element {
  const { trans } = props;
  const [state, setState] = React.useState<RunFormState>(props.initial);
  const [serverErrors, setServerErrors] = React.useState<FieldErrors>({});
  const [submitError, setSubmitError] = React.useState<SageRunApiError | null>(
    null
  );
  const [otherFields, setOtherFields] = React.useState<
    { path: string; message: string }[]
  >([]);
  const [phase, setPhase] = React.useState<SubmitPhase | null>(null);
  const [elapsed, setElapsed] = React.useState(0);
  const [preset, setPreset] = React.useState('');
  // A second click before React re-renders must not submit again.
  const submitting = React.useRef(false);

  React.useEffect(() => {
    if (!phase) {
      return;
    }
    const started = Date.now();
    const timer = setInterval(
      () => setElapsed(Math.floor((Date.now() - started) / 1000)),
      1000
    );
    return () => clearInterval(timer);
  }, [phase !== null]);

  const clientErrors = React.useMemo(
    () => validateForm(state, trans),
    [state, trans]
  );
  const errors: FieldErrors = { ...serverErrors, ...clientErrors };
  const checks = props.checks.filter(
    c => !c.pathOnly || state.target === 'path'
  );
  const blocking = checks.some(c => c.severity === 'error');
  const invalid = Object.keys(clientErrors).length > 0;
  const warnKeys = unknownParameterKeys(state.parameters, props.cellNames);

  const update = (patch: Partial<RunFormState>, fields: string[]) => {
    setState(s => ({ ...s, ...patch }));
    if (fields.length) {
      setServerErrors(e => {
        const next = { ...e };
        for (const path of Object.keys(next)) {
          if (fields.some(f => path === f || path.startsWith(f))) {
            delete next[path];
          }
        }
        return next;
      });
    }
  };

  const submit = async (event?: React.FormEvent) => {
    event?.preventDefault();
    if (submitting.current || phase || invalid || blocking) {
      return;
    }
    submitting.current = true;
    setSubmitError(null);
    setOtherFields([]);
    setElapsed(0);
    try {
      await props.onSubmit(state, setPhase);
    } catch (e) {
      const error =
        e instanceof SageRunApiError
          ? e
          : new SageRunApiError({
              status: 500,
              code: 'InternalError',
              message: String((e as Error)?.message ?? e)
            });
      if (error.fields.length) {
        const known = new Set<string>([
          ...Object.values(FIELD),
          ...Object.values(ENVIRONMENT_FIELD),
          ...rowPaths('parameters', state.parameters),
          ...rowPaths('metadata', state.metadata)
        ]);
        const { placed, other } = placeServerErrors(error.fields, known);
        setServerErrors(placed);
        setOtherFields(other);
      }
      setSubmitError(error);
    } finally {
      submitting.current = false;
      setPhase(null);
    }
  };

  const choosePreset = (name: string) => {
    setPreset(name);
    const found = props.presets.find(p => p.name === name);
    if (found) {
      setState(s => applyPreset(s, found));
      setServerErrors({});
    }
  };

  const sectionProps = { trans, state, errors, update };
  const canSubmit = !phase && !invalid && !blocking;
  const dirty = props.dirty && state.target === 'path';

  return (
    <form
      className="jp-SageRun-form"
      data-testid="sagerun-form"
      onSubmit={submit}
      onKeyDown={e => {
        // Enter in a field must not start a (billed) run by accident:
        // Ctrl/Cmd+Enter submits, plain Enter does nothing.
        const target = e.target as HTMLElement;
        if (e.key === 'Enter' && target.tagName === 'INPUT') {
          e.preventDefault();
          if (e.ctrlKey || e.metaKey) {
            void submit();
          }
        }
      }}
      noValidate
      aria-busy={phase !== null}
    >
      {/*
        The actions stay in view at the top of the form: JupyterLab's toasts float
        over the lower right, where a footer would sit.
      */}
      <div className="jp-SageRun-actions" data-testid="sagerun-actions">
        {phase ? (
          <span
            className="jp-SageRun-progress"
            role="status"
            data-testid="sagerun-progress"
          >
            <span className="jp-SageRun-spinner" aria-hidden="true" />
            {phase === 'saving'
              ? trans.__('Saving the notebook…')
              : trans.__(
                  'Syncing the notebook and starting the run… %1 s',
                  elapsed
                )}
          </span>
        ) : invalid ? (
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
          disabled={!canSubmit}
          title={trans.__('Ctrl+Enter in any field')}
        >
          {dirty ? trans.__('Save and run') : trans.__('Run')}
        </button>
      </div>
      <ContextLine
        trans={trans}
        context={props.context}
        error={props.contextError}
      />
      <TargetSection
        trans={trans}
        state={state}
        errors={errors}
        update={update}
        notebookPath={props.notebookPath}
        loadNotebooks={props.loadNotebooks}
      />
      <div className="jp-SageRun-presets">
        <label htmlFor="sagerun-preset">{trans.__('Preset')}</label>
        <select
          id="sagerun-preset"
          className="jp-mod-styled"
          data-testid="sagerun-preset"
          value={preset}
          onChange={e => choosePreset(e.target.value)}
        >
          <option value="">{trans.__('(none)')}</option>
          {props.presets.map(p => (
            <option key={p.name} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="jp-mod-styled jp-mod-reject"
          data-testid="sagerun-preset-save"
          onClick={() => void props.onSavePreset(state)}
        >
          {trans.__('Save as preset…')}
        </button>
      </div>
      <ComputeSection {...sectionProps} suggestions={props.suggestions} />
      <EnvironmentSection {...sectionProps} {...props.environment} />
      <NetworkSection {...sectionProps} context={props.context} />
      <TimeoutSection {...sectionProps} />
      <Section title={trans.__('Parameters')}>
        <div className="jp-SageRun-hint">
          {props.cellNames
            ? trans.__(
                'Prefilled from the cell tagged "parameters". Values are sent as text; a value that is JSON reaches the notebook decoded.'
              )
            : trans.__(
                'This notebook has no cell tagged "parameters": papermill adds the parameters at the top.'
              )}
        </div>
        <KeyValueEditor
          trans={trans}
          section="parameters"
          rows={state.parameters}
          onChange={rows => update({ parameters: rows }, ['parameters'])}
          errors={errors}
          warnKeys={warnKeys}
          warning={trans.__('The parameters cell does not define this name.')}
          maxEntries={LIMITS.parameters.maxEntries}
          keyMax={LIMITS.parameters.keyMax}
          valueMax={LIMITS.parameters.valueMax}
          showKind
        />
      </Section>
      <Section title={trans.__('Metadata')}>
        <KeyValueEditor
          trans={trans}
          section="metadata"
          rows={state.metadata}
          onChange={rows => update({ metadata: rows }, ['metadata'])}
          errors={errors}
          maxEntries={LIMITS.metadata.maxEntries}
          keyMax={LIMITS.metadata.keyMax}
          valueMax={LIMITS.metadata.valueMax}
        />
      </Section>
      <NotificationsSection {...sectionProps} />
      <AdvancedSection {...sectionProps} />
      {checks.length ? (
        <ul className="jp-SageRun-checksList" data-testid="sagerun-checks">
          {checks.map((c, i) => (
            <li key={i} className={`jp-SageRun-check-${c.severity}`}>
              {c.message}
            </li>
          ))}
        </ul>
      ) : null}
      {submitError ? (
        <div
          className="jp-SageRun-submitError"
          data-testid="sagerun-submit-error"
          role="alert"
        >
          <strong>{submitError.code}</strong>: {submitError.message}
          {submitError.isNetworkError || submitError.retryable ? (
            <div>
              {trans.__(
                "Submit again to retry: the retry reuses this request's token, so it never starts a second run."
              )}
            </div>
          ) : null}
          {otherFields.map(f => (
            <FieldErrorMessage
              key={f.path}
              field={f.path}
              message={`${f.path}: ${f.message}`}
            />
          ))}
          {submitError.requestId ? (
            <div className="jp-SageRun-hint">
              {trans.__('Request id: %1', submitError.requestId)}
            </div>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
