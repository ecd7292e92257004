/**
 * The run form's submit state machine, apart from React so it can be read and tested
 * on its own:
 *
 *   idle ─submit→ preparing ─(dirty)→ saving ─→ submitting ─→ started
 *                     └───────────────────────────┘   │
 *   any busy state ─error→ failed ─submit→ preparing ...
 *
 * "preparing" is the moment between the click and the widget saying whether it saves
 * first: the form is busy (a second click does nothing) but shows no progress yet.
 * The clientToken is made once per submission by RunSubmitter (model/submitter.ts):
 * a retry after a failure that may have reached the service (network error,
 * retryable answer) sends the same token, so it never starts a second run; any other
 * failure, or a changed request, gets a new token.
 */
import { asApiError, SageRunApiError } from '../api/errors';
import type { FieldErrors } from './validation';
import { mayHaveStarted } from './submitter';

/** What the widget reports while it submits: saving the notebook, then starting. */
export type SubmitPhase = 'saving' | 'starting';

/** A server refusal of a field the form does not show. */
export interface IFieldMessage {
  path: string;
  message: string;
}

export type SubmissionState =
  | { kind: 'idle' }
  | { kind: 'preparing' }
  | { kind: 'saving' }
  | { kind: 'submitting' }
  | {
      kind: 'failed';
      error: SageRunApiError;
      /** Field errors placed at the form's fields; null when none were named. */
      placed: FieldErrors | null;
      other: IFieldMessage[];
    }
  | { kind: 'started' };

export const IDLE: SubmissionState = { kind: 'idle' };

/** Whether a submission is under way (a click now must not submit again). */
export function isBusy(state: SubmissionState): boolean {
  return (
    state.kind === 'preparing' ||
    state.kind === 'saving' ||
    state.kind === 'submitting'
  );
}

/** Whether the form may submit now: not busy, valid and not blocked by a check. */
export function canSubmit(
  state: SubmissionState,
  form: { invalid: boolean; blocking: boolean }
): boolean {
  return !isBusy(state) && !form.invalid && !form.blocking;
}

/** The user submitted: the last failure is forgotten. */
export function begin(state: SubmissionState): SubmissionState {
  return isBusy(state) ? state : { kind: 'preparing' };
}

/** The widget moved on to a phase; ignored once the submission is over. */
export function enterPhase(
  state: SubmissionState,
  phase: SubmitPhase
): SubmissionState {
  if (!isBusy(state)) {
    return state;
  }
  return { kind: phase === 'saving' ? 'saving' : 'submitting' };
}

/** The run started. */
export function succeed(): SubmissionState {
  return { kind: 'started' };
}

/**
 * The submission failed: the error as the service's error type, its field errors
 * placed at the fields in `known` (the rest listed with the error).
 */
export function fail(reason: unknown, known: Set<string>): SubmissionState {
  const error = asApiError(reason);
  if (!error.fields.length) {
    return { kind: 'failed', error, placed: null, other: [] };
  }
  const { placed, other } = placeServerErrors(error.fields, known);
  return { kind: 'failed', error, placed, other };
}

/** The progress to show: saving, starting (submitting), or none. */
export function progress(state: SubmissionState): SubmitPhase | null {
  if (state.kind === 'saving') {
    return 'saving';
  }
  return state.kind === 'submitting' ? 'starting' : null;
}

/** Whether submitting again retries with this request's token (see above). */
export function retryReusesToken(state: SubmissionState): boolean {
  return state.kind === 'failed' && mayHaveStarted(state.error);
}

/** Map server field paths onto the fields the form shows. */
export function placeServerErrors(
  fields: IFieldMessage[],
  known: Set<string>
): { placed: FieldErrors; other: IFieldMessage[] } {
  const placed: FieldErrors = {};
  const other: IFieldMessage[] = [];
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
