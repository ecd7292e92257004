import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { RunContext, SmusNotebook } from '../api/types';
import type { Preset, RunFormState } from '../model/formState';
import type { IPreSubmitCheck } from '../model/prefill';
import { applyPreset } from '../model/formState';
import { canSubmit, progress, SubmitPhase } from '../model/submission';
import {
  FIELD,
  FieldErrors,
  rowPaths,
  validateForm
} from '../model/validation';
import { ENVIRONMENT_FIELD } from '../model/environment';
import {
  EnvironmentSection,
  IEnvironmentSectionProps
} from './EnvironmentSection';
import { FormActions } from './FormActions';
import {
  AdvancedSection,
  ComputeSection,
  NotificationsSection,
  TimeoutSection
} from './FormSections';
import { MetadataSection, ParametersSection } from './KeyValueSections';
import { NetworkSection } from './NetworkSection';
import { PresetPicker } from './PresetPicker';
import { ChecksList, SubmitError } from './SubmitOutcome';
import { ContextLine } from './ContextLine';
import { TargetSection } from './TargetSection';
import { useSubmission } from './useSubmission';

export { placeServerErrors } from '../model/submission';
export type { SubmitPhase } from '../model/submission';
export type { IPreSubmitCheck } from '../model/prefill';

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

/** The fields a server error may name, for the form to mark them. */
function knownFields(state: RunFormState): Set<string> {
  return new Set<string>([
    ...Object.values(FIELD),
    ...Object.values(ENVIRONMENT_FIELD),
    ...rowPaths('parameters', state.parameters),
    ...rowPaths('metadata', state.metadata)
  ]);
}

/** Drop the server's errors of the fields just edited. */
function withoutErrorsOf(errors: FieldErrors, fields: string[]): FieldErrors {
  const next = { ...errors };
  for (const path of Object.keys(next)) {
    if (fields.some(f => path === f || path.startsWith(f))) {
      delete next[path];
    }
  }
  return next;
}

export function RunForm(props: IRunFormProps): JSX.Element {
  const { trans } = props;
  const [state, setState] = React.useState<RunFormState>(props.initial);
  const [serverErrors, setServerErrors] = React.useState<FieldErrors>({});
  const [preset, setPreset] = React.useState('');
  const submission = useSubmission();

  const clientErrors = React.useMemo(
    () => validateForm(state, trans),
    [state, trans]
  );
  const errors: FieldErrors = { ...serverErrors, ...clientErrors };
  const checks = props.checks.filter(
    c => !c.pathOnly || state.target === 'path'
  );
  const form = {
    invalid: Object.keys(clientErrors).length > 0,
    blocking: checks.some(c => c.severity === 'error')
  };

  const update = (patch: Partial<RunFormState>, fields: string[]) => {
    setState(s => ({ ...s, ...patch }));
    if (fields.length) {
      setServerErrors(e => withoutErrorsOf(e, fields));
    }
  };

  const submit = async (event?: React.FormEvent) => {
    event?.preventDefault();
    if (form.invalid || form.blocking) {
      return;
    }
    const failed = await submission.run(
      onPhase => props.onSubmit(state, onPhase),
      () => knownFields(state)
    );
    if (failed?.kind === 'failed' && failed.placed) {
      setServerErrors(failed.placed);
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
      aria-busy={progress(submission.state) !== null}
    >
      <FormActions
        trans={trans}
        progress={progress(submission.state)}
        elapsed={submission.elapsed}
        invalid={form.invalid}
        canSubmit={canSubmit(submission.state, form)}
        saves={props.dirty && state.target === 'path'}
        onCancel={props.onCancel}
      />
      <ContextLine
        trans={trans}
        context={props.context}
        error={props.contextError}
      />
      <TargetSection
        {...sectionProps}
        notebookPath={props.notebookPath}
        loadNotebooks={props.loadNotebooks}
      />
      <PresetPicker
        trans={trans}
        presets={props.presets}
        value={preset}
        onChoose={choosePreset}
        onSave={() => void props.onSavePreset(state)}
      />
      <ComputeSection {...sectionProps} suggestions={props.suggestions} />
      <EnvironmentSection {...sectionProps} {...props.environment} />
      <NetworkSection {...sectionProps} context={props.context} />
      <TimeoutSection {...sectionProps} />
      <ParametersSection {...sectionProps} cellNames={props.cellNames} />
      <MetadataSection {...sectionProps} />
      <NotificationsSection {...sectionProps} />
      <AdvancedSection {...sectionProps} />
      <ChecksList checks={checks} />
      <SubmitError trans={trans} submission={submission.state} />
    </form>
  );
}
