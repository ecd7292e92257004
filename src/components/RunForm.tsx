import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type {
  SchedulePreview,
  SchedulePreviewRequest,
  SchedulesAvailability
} from '../api/scheduleTypes';
import type { RunContext, SmusNotebook } from '../api/types';
import type { RunFormState } from '../model/formState';
import type { Preset } from '../model/presets';
import type { IPreSubmitCheck } from '../model/prefill';
import { applyPreset } from '../model/presets';
import { canSubmit, progress, SubmitPhase } from '../model/submission';
import {
  FIELD,
  FieldErrors,
  rowPaths,
  validateForm
} from '../model/validation';
import { ENVIRONMENT_FIELD } from '../model/environment';
import {
  initialScheduleState,
  SCHEDULE_FIELD,
  ScheduleFormState
} from '../model/scheduleForm';
import { timeZoneList } from '../model/timeZones';
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
import { ScheduleSection } from './ScheduleSection';
import { TargetSection } from './TargetSection';
import { submitLabel, useScheduleForm } from './useScheduleForm';
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
    onPhase: (phase: SubmitPhase) => void,
    schedule: ScheduleFormState
  ) => Promise<void>;
  /** The When choice; without it the form only runs now. */
  schedules?: IRunFormSchedules;
  onCancel: () => void;
  onSavePreset: (state: RunFormState) => Promise<void>;
  /** Where the packages came from, and requirements.txt beside the notebook. */
  environment: Pick<
    IEnvironmentSectionProps,
    'source' | 'requirementsPath' | 'loadRequirements'
  >;
}

export interface IRunFormSchedules {
  initial: ScheduleFormState;
  /** `GET sagerun/context`'s `schedules`; null while unknown. */
  availability: SchedulesAvailability | null;
  preview: (body: SchedulePreviewRequest) => Promise<SchedulePreview>;
}

/** The fields a server error may name, for the form to mark them. */
function knownFields(state: RunFormState): Set<string> {
  return new Set<string>([
    ...Object.values(SCHEDULE_FIELD),
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

/**
 * Enter in a field must not start a (billed) run by accident: Ctrl/Cmd+Enter
 * submits, plain Enter does nothing.
 */
function onlyCtrlEnterSubmits(
  submit: () => Promise<void>
): (e: React.KeyboardEvent) => void {
  return e => {
    const target = e.target as HTMLElement;
    if (e.key === 'Enter' && target.tagName === 'INPUT') {
      e.preventDefault();
      if (e.ctrlKey || e.metaKey) {
        void submit();
      }
    }
  };
}

const noPreview = (): Promise<SchedulePreview> =>
  Promise.reject(new Error('schedules are not offered here'));

export function RunForm(props: IRunFormProps): JSX.Element {
  const { trans } = props;
  const [state, setState] = React.useState<RunFormState>(props.initial);
  const [serverErrors, setServerErrors] = React.useState<FieldErrors>({});
  const [preset, setPreset] = React.useState('');
  const submission = useSubmission();
  const schedule = useScheduleForm({
    initial: props.schedules?.initial ?? initialScheduleState(state.path),
    target: state.target,
    previewSchedule: props.schedules?.preview ?? noPreview,
    trans,
    onEdited: fields => setServerErrors(e => withoutErrorsOf(e, fields))
  });
  const zones = React.useMemo(timeZoneList, []);

  const clientErrors = React.useMemo(
    () => validateForm(state, trans),
    [state, trans]
  );
  const errors: FieldErrors = { ...serverErrors, ...clientErrors };
  const checks = props.checks.filter(
    c => !c.pathOnly || state.target === 'path'
  );
  const invalid =
    Object.keys(clientErrors).length + Object.keys(schedule.errors).length > 0;
  const form = {
    // (A schedule the server has not previewed yet is not sent either.)
    invalid: invalid || !schedule.ready,
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
      onPhase => props.onSubmit(state, onPhase, schedule.state),
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
      onKeyDown={onlyCtrlEnterSubmits(submit)}
      noValidate
      aria-busy={progress(submission.state) !== null}
    >
      <FormActions
        trans={trans}
        progress={progress(submission.state)}
        elapsed={submission.elapsed}
        invalid={invalid}
        canSubmit={canSubmit(submission.state, form)}
        scheduled={schedule.scheduled}
        label={submitLabel(trans, {
          scheduled: schedule.scheduled,
          editing: schedule.state.editing !== null,
          saves: props.dirty && state.target === 'path'
        })}
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
      {props.schedules ? (
        <ScheduleSection
          trans={trans}
          state={schedule.state}
          errors={{ ...serverErrors, ...schedule.errors }}
          onChange={schedule.onChange}
          preview={schedule.preview}
          zones={zones}
          availability={props.schedules.availability}
        />
      ) : null}
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
      <ParametersSection
        {...sectionProps}
        cellNames={props.cellNames}
        notice={
          schedule.scheduled
            ? trans.__(
                "Parameter values are stored in the schedule's target input, readable by whoever may read the schedule."
              )
            : undefined
        }
      />
      <MetadataSection {...sectionProps} />
      <NotificationsSection {...sectionProps} />
      {schedule.scheduled ? null : <AdvancedSection {...sectionProps} />}
      <ChecksList checks={checks} />
      <SubmitError trans={trans} submission={submission.state} />
    </form>
  );
}
