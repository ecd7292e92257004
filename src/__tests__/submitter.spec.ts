import { SageRunApiError } from '../api/errors';
import type { Run, StartRunRequest } from '../api/types';
import { isValidClientToken } from '../model/validation';
import { newClientToken, RunSubmitter } from '../model/submitter';

const run = (id: string): Run =>
  ({
    id,
    status: 'QUEUED',
    domainId: 'dzd_local',
    owningProjectId: 'local',
    notebookId: 'nb',
    createdAt: ''
  }) as Run;

const networkError = () =>
  new SageRunApiError({
    status: 0,
    code: 'NetworkError',
    message: 'offline',
    retryable: true
  });

describe('RunSubmitter', () => {
  it('makes valid tokens, different each time', () => {
    const a = newClientToken();
    const b = newClientToken();
    expect(a).not.toBe(b);
    expect(isValidClientToken(a)).toBe(true);
  });

  it('reuses the clientToken on a retry after a network error', async () => {
    const sent: StartRunRequest[] = [];
    let fail = true;
    let n = 0;
    const submitter = new RunSubmitter(
      async request => {
        sent.push(request);
        if (fail) {
          fail = false;
          throw networkError();
        }
        return run('r1');
      },
      () => `token-${++n}`
    );
    await expect(submitter.submit({ path: 'nb.ipynb' })).rejects.toBeInstanceOf(
      SageRunApiError
    );
    await expect(submitter.submit({ path: 'nb.ipynb' })).resolves.toEqual(
      run('r1')
    );
    expect(sent.map(r => r.clientToken)).toEqual(['token-1', 'token-1']);
    // The next submission is a new run: a new token.
    await submitter.submit({ path: 'nb.ipynb' });
    expect(sent[2].clientToken).toBe('token-2');
  });

  it('joins a double click: one request, one run', async () => {
    let resolve!: (r: Run) => void;
    const start = jest.fn(
      () =>
        new Promise<Run>(r => {
          resolve = r;
        })
    );
    const submitter = new RunSubmitter(start, () => 'only');
    const first = submitter.submit({ path: 'nb.ipynb' });
    const second = submitter.submit({ path: 'nb.ipynb' });
    expect(submitter.pending).toBe(true);
    resolve(run('r1'));
    await expect(first).resolves.toEqual(run('r1'));
    await expect(second).resolves.toEqual(run('r1'));
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('takes a new token after a definitive error or a changed request', async () => {
    let n = 0;
    const tokens: string[] = [];
    const errors = [
      new SageRunApiError({
        status: 400,
        code: 'ValidationException',
        message: 'bad'
      }),
      networkError()
    ];
    const submitter = new RunSubmitter(
      async request => {
        tokens.push(request.clientToken!);
        const e = errors.shift();
        if (e) {
          throw e;
        }
        return run('r');
      },
      () => `t${++n}`
    );
    await expect(submitter.submit({ path: 'a.ipynb' })).rejects.toThrow('bad');
    await expect(submitter.submit({ path: 'a.ipynb' })).rejects.toThrow(
      'offline'
    );
    await submitter.submit({ path: 'a.ipynb', parameters: { x: '1' } });
    expect(tokens).toEqual(['t1', 't2', 't3']);
  });
});
