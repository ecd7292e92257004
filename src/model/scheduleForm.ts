/**
 * The run form's "When" part: now, or on a schedule. What it edits, how it is
 * checked before any call, and how it joins the run settings the form already
 * builds (toRequest) into the body of POST/PUT sagerun/schedules.
 */
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';

import type {
  Schedule,
  SchedulePreviewRequest,
  ScheduleRequest,
  ScheduleState
} from '../api/scheduleTypes';
import type { StartRunRequest } from '../api/types';
import {
  compilePreset,
  DEFAULT_PRESET,
  nameProblem,
  presetFromExpression,
  presetProblems,
  SchedulePreset,
  scheduleNameFor
} from './scheduleExpression';
import { PreviewState, previewAllowsSubmit } from './schedulePreview';
import { browserTimeZone, isoToWallTime, wallTimeToIso } from './timeZones';

export type When = 'now' | 'schedule';

export interface ScheduleFormState {
  when: When;
  preset: SchedulePreset;
  /** IANA zone the expression and the dates are read in. */
  timezone: string;
  /** `YYYY-MM-DDTHH:MM` on the zone's clocks, or empty. */
  startDate: string;
  endDate: string;
  name: string;
  /** The name of the schedule being edited (PUT); null for a new one. */
  editing: string | null;
  /** Kept as it is on edit (a paused schedule stays paused). */
  state: ScheduleState;
}

/** The paths of the schedule fields: the server's names (400 `fields[].path`). */
export const SCHEDULE_FIELD = {
  name: 'name',
  path: 'path',
  expression: 'expression',
  time: 'expression.time',
  minute: 'expression.minute',
  dayOfMonth: 'expression.dayOfMonth',
  timezone: 'timezone',
  startDate: 'startDate',
  endDate: 'endDate'
} as const;

export type ScheduleFieldErrors = { [path: string]: string };

export function initialScheduleState(
  notebookPath: string,
  timezone: string = browserTimeZone()
): ScheduleFormState {
  return {
    when: 'now',
    preset: { ...DEFAULT_PRESET },
    timezone,
    startDate: '',
    endDate: '',
    name: scheduleNameFor(notebookPath),
    editing: null,
    state: 'ENABLED'
  };
}

/** The form of an existing schedule (Edit in the Schedules view). */
export function scheduleStateFromSchedule(
  schedule: Schedule
): ScheduleFormState {
  const zone = schedule.timezone || 'UTC';
  return {
    when: 'schedule',
    preset: presetFromExpression(schedule.expression),
    timezone: zone,
    startDate: schedule.startDate
      ? isoToWallTime(schedule.startDate, zone)
      : '',
    endDate: schedule.endDate ? isoToWallTime(schedule.endDate, zone) : '',
    name: schedule.name,
    editing: schedule.name,
    state: schedule.state
  };
}

export function scheduleExpression(state: ScheduleFormState): string | null {
  return compilePreset(state.preset);
}

function trans0(trans?: TranslationBundle): TranslationBundle {
  return trans ?? nullTranslator.load('jupyter_sagerun');
}

/**
 * The problems found before any call; empty when the schedule can be previewed
 * and sent. `target` is the run form's: a schedule runs a workspace notebook.
 */
export function validateSchedule(
  state: ScheduleFormState,
  target: 'path' | 'notebookId',
  trans?: TranslationBundle
): ScheduleFieldErrors {
  const t = trans0(trans);
  const errors: ScheduleFieldErrors = {};
  if (state.when !== 'schedule') {
    return errors;
  }
  if (target !== 'path') {
    errors[SCHEDULE_FIELD.path] = t.__(
      'A schedule runs a notebook of the workspace: choose "This notebook".'
    );
  }
  const name = nameProblem(state.name.trim(), t);
  if (name) {
    errors[SCHEDULE_FIELD.name] = name;
  }
  const problems = presetProblems(state.preset, t);
  if (problems.custom) {
    errors[SCHEDULE_FIELD.expression] = problems.custom;
  }
  if (problems.time) {
    errors[SCHEDULE_FIELD.time] = problems.time;
  }
  if (problems.minute) {
    errors[SCHEDULE_FIELD.minute] = problems.minute;
  }
  if (problems.dayOfMonth) {
    errors[SCHEDULE_FIELD.dayOfMonth] = problems.dayOfMonth;
  }
  if (!state.timezone.trim()) {
    errors[SCHEDULE_FIELD.timezone] = t.__('Choose a time zone.');
  }
  const zone = state.timezone.trim() || 'UTC';
  const start = state.startDate ? wallTimeToIso(state.startDate, zone) : null;
  const end = state.endDate ? wallTimeToIso(state.endDate, zone) : null;
  if (state.startDate && !start) {
    errors[SCHEDULE_FIELD.startDate] = t.__('Not a date and time.');
  }
  if (state.endDate && !end) {
    errors[SCHEDULE_FIELD.endDate] = t.__('Not a date and time.');
  } else if (start && end && end <= start) {
    errors[SCHEDULE_FIELD.endDate] = t.__('The end comes after the start.');
  }
  return errors;
}

/** The dates as ISO instants (only those given). */
function dates(state: ScheduleFormState): {
  startDate?: string;
  endDate?: string;
} {
  const zone = state.timezone.trim() || 'UTC';
  const out: { startDate?: string; endDate?: string } = {};
  const start = state.startDate ? wallTimeToIso(state.startDate, zone) : null;
  const end = state.endDate ? wallTimeToIso(state.endDate, zone) : null;
  if (start) {
    out.startDate = start;
  }
  if (end) {
    out.endDate = end;
  }
  return out;
}

/** What POST sagerun/schedules/preview is asked; null while the form says no. */
export function previewRequest(
  state: ScheduleFormState
): SchedulePreviewRequest | null {
  const expression = scheduleExpression(state);
  if (state.when !== 'schedule' || !expression || !state.timezone.trim()) {
    return null;
  }
  return {
    expression,
    timezone: state.timezone.trim(),
    ...dates(state),
    count: 3
  };
}

/** The run settings a schedule takes from a run request (no path, token or trigger). */
const RUN_SETTINGS = [
  'computeConfiguration',
  'networkConfiguration',
  'timeoutConfiguration',
  'parameters',
  'metadata',
  'notificationConfiguration',
  'environmentConfiguration'
] as const;

/**
 * The body of POST sagerun/schedules (or PUT on edit): the schedule's fields
 * and the run settings the run form built, exactly as it would start a run.
 */
export function toScheduleRequest(
  run: StartRunRequest,
  state: ScheduleFormState
): ScheduleRequest {
  const expression = scheduleExpression(state);
  if (!expression || !run.path) {
    throw new Error('toScheduleRequest: the schedule is not valid');
  }
  const request: ScheduleRequest = {
    name: state.name.trim(),
    path: run.path,
    expression,
    timezone: state.timezone.trim(),
    state: state.state,
    ...dates(state)
  };
  for (const key of RUN_SETTINGS) {
    if (run[key] !== undefined) {
      (request as any)[key] = run[key];
    }
  }
  return request;
}

/**
 * Every message of the schedule's fields: the form's own checks first, then the
 * preview's 400 (a field the server names that the form does not show lands on
 * the expression, which the server judged).
 */
export function scheduleFieldErrors(
  state: ScheduleFormState,
  target: 'path' | 'notebookId',
  preview: PreviewState,
  trans?: TranslationBundle
): ScheduleFieldErrors {
  const own = validateSchedule(state, target, trans);
  if (state.when !== 'schedule') {
    return own;
  }
  const known = new Set<string>(Object.values(SCHEDULE_FIELD));
  const errors: ScheduleFieldErrors = {};
  for (const [path, message] of Object.entries(preview.fields)) {
    const at = known.has(path) ? path : SCHEDULE_FIELD.expression;
    errors[at] = errors[at] ? `${errors[at]} ${message}` : message;
  }
  return { ...errors, ...own };
}

/** Whether the form may create (or save) the schedule now. */
export function scheduleReady(
  state: ScheduleFormState,
  target: 'path' | 'notebookId',
  preview: PreviewState
): boolean {
  if (state.when !== 'schedule') {
    return true;
  }
  return (
    Object.keys(validateSchedule(state, target)).length === 0 &&
    previewAllowsSubmit(preview)
  );
}
