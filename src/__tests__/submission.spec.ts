import { asApiError, SageRunApiError } from '../api/errors';
import type { Run, StartRunRequest } from '../api/types';
import {
  begin,
  canSubmit,
  enterPhase,
  fail,
  IDLE,
  isBusy,
  progress,
  retryReusesToken,
  SubmissionState,
  succeed
} from '../model/submission';
import { RunSubmitter } from '../model/submitter';

const valid = { invalid: false, blocking: false };
const known = new Set(['instanceType', 'parameters.alpha']);

const apiError = (
  options: Partial<ConstructorParameters<typeof SageRunApiError>[0]>
) =>
  new SageRunApiError({
    status: 400,
    code: 'ValidationException',
    message: 'Invalid request',
    ...options
  });

describe('the submit state machine', () => {
  it('goes idle, preparing, saving, submitting, started', () => {
    const seen: SubmissionState['kind'][] = [];
    let s: SubmissionState = IDLE;
    seen.push(s.kind);
    s = begin(s);
    seen.push(s.kind);
    s = enterPhase(s, 'saving');
    seen.push(s.kind);
    s = enterPhase(s, 'starting');
    seen.push(s.kind);
    s = succeed();
    seen.push(s.kind);
    expect(seen).toEqual([
      'idle',
      'preparing',
      'saving',
      'submitting',
      'started'
    ]);
  });

  it('is busy from the click to the end, and shows progress only once a phase began', () => {
    const preparing = begin(IDLE);
    expect(isBusy(preparing)).toBe(true);
    expect(progress(preparing)).toBeNull();
    expect(canSubmit(preparing, valid)).toBe(false);
    expect(progress(enterPhase(preparing, 'saving'))).toBe('saving');
    expect(progress(enterPhase(preparing, 'starting'))).toBe('starting');
    expect(isBusy(IDLE)).toBe(false);
    expect(isBusy(succeed())).toBe(false);
  });

  it('a second submit while busy changes nothing', () => {
    const saving = enterPhase(begin(IDLE), 'saving');
    expect(begin(saving)).toBe(saving);
  });

  it('ignores a phase reported after the submission ended', () => {
    const failed = fail(apiError({}), known);
    expect(enterPhase(failed, 'starting')).toBe(failed);
    expect(enterPhase(IDLE, 'saving')).toBe(IDLE);
  });

  it('refuses to submit an invalid or blocked form', () => {
    expect(canSubmit(IDLE, valid)).toBe(true);
    expect(canSubmit(IDLE, { invalid: true, blocking: false })).toBe(false);
    expect(canSubmit(IDLE, { invalid: false, blocking: true })).toBe(false);
  });

  it('places field errors at known fields and lists the others', () => {
    const s = fail(
      apiError({
        fields: [
          { path: 'parameters.alpha', message: 'bad alpha' },
          { path: 'instanceType.name', message: 'bad type' },
          { path: 'clientToken', message: 'bad token' }
        ]
      }),
      known
    );
    expect(s).toMatchObject({
      kind: 'failed',
      placed: { 'parameters.alpha': 'bad alpha', instanceType: 'bad type' },
      other: [{ path: 'clientToken', message: 'bad token' }]
    });
    expect(isBusy(s)).toBe(false);
    expect(canSubmit(s, valid)).toBe(true);
    // The next submission forgets the failure.
    expect(begin(s)).toEqual({ kind: 'preparing' });
  });

  it('places nothing when the error names no field', () => {
    expect(fail(apiError({}), known)).toMatchObject({
      kind: 'failed',
      placed: null,
      other: []
    });
  });

  it('fails with an InternalError when something else than the service threw', () => {
    const s = fail(new TypeError('oops'), known);
    expect(s.kind).toBe('failed');
    const error = s.kind === 'failed' ? s.error : null;
    expect(error).toBeInstanceOf(SageRunApiError);
    expect(error?.code).toBe('InternalError');
    expect(error?.message).toBe('oops');
    expect(asApiError('text').message).toBe('text');
  });

  it('says a retry reuses the token only when the request may have reached the service', () => {
    const network = fail(
      new SageRunApiError({
        status: 0,
        code: 'NetworkError',
        message: 'offline',
        retryable: true
      }),
      known
    );
    const throttled = fail(
      apiError({ status: 429, code: 'ThrottlingException', retryable: true }),
      known
    );
    const refused = fail(apiError({}), known);
    expect(retryReusesToken(network)).toBe(true);
    expect(retryReusesToken(throttled)).toBe(true);
    expect(retryReusesToken(refused)).toBe(false);
    expect(retryReusesToken(IDLE)).toBe(false);
  });

  it('keeps its promise with the submitter: the hinted retry sends the same clientToken', async () => {
    const tokens: string[] = [];
    let n = 0;
    const outcomes: (Error | null)[] = [
      new SageRunApiError({
        status: 0,
        code: 'NetworkError',
        message: 'offline',
        retryable: true
      }),
      null
    ];
    const submitter = new RunSubmitter(
      async (request: StartRunRequest) => {
        tokens.push(request.clientToken!);
        const outcome = outcomes.shift();
        if (outcome) {
          throw outcome;
        }
        return { id: 'r1' } as Run;
      },
      () => `token-${++n}`
    );
    let s = begin(IDLE);
    try {
      await submitter.submit({ path: 'nb.ipynb' });
      s = succeed();
    } catch (e) {
      s = fail(e, known);
    }
    expect(retryReusesToken(s)).toBe(true);
    s = begin(s);
    await submitter.submit({ path: 'nb.ipynb' });
    s = succeed();
    expect(s.kind).toBe('started');
    expect(tokens).toEqual(['token-1', 'token-1']);
  });
});
