import { ServerConnection } from '@jupyterlab/services';

import { SageRunClient } from '../api/client';
import { SageRunApiError } from '../api/errors';

function jsonResponse(
  status: number,
  body: unknown,
  statusText = ''
): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    statusText,
    headers: { 'Content-Type': 'application/json' }
  });
}

describe('SageRunClient', () => {
  let makeRequest: jest.SpyInstance;
  const client = new SageRunClient({
    serverSettings: ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/lab-base/'
    })
  });

  beforeEach(() => {
    makeRequest = jest.spyOn(ServerConnection, 'makeRequest');
  });
  afterEach(() => {
    makeRequest.mockRestore();
  });

  async function failure(promise: Promise<unknown>): Promise<SageRunApiError> {
    try {
      await promise;
    } catch (e) {
      expect(e).toBeInstanceOf(SageRunApiError);
      return e as SageRunApiError;
    }
    throw new Error('expected a failure');
  }

  it('builds URLs under the base URL and leaves empty query values out', async () => {
    makeRequest.mockImplementation(async () =>
      jsonResponse(200, { items: [], nextToken: null })
    );
    await client.listRuns({
      path: 'dir/a b.ipynb',
      status: undefined,
      maxResults: 20
    });
    expect(makeRequest.mock.calls[0][0]).toBe(
      'http://localhost:8888/lab-base/sagerun/runs?path=dir%2Fa+b.ipynb&maxResults=20'
    );
    await client.getRun('run/1', { revealParameters: true });
    expect(makeRequest.mock.calls[1][0]).toBe(
      'http://localhost:8888/lab-base/sagerun/runs/run%2F1?reveal=parameters'
    );
  });

  it('posts JSON bodies', async () => {
    makeRequest.mockResolvedValue(
      jsonResponse(201, { id: 'r1', status: 'QUEUED' })
    );
    const run = await client.startRun({ path: 'nb.ipynb', clientToken: 'tok' });
    expect(run.id).toBe('r1');
    const init = makeRequest.mock.calls[0][1] as RequestInit;
    expect(init.method).toBe('POST');
    expect(JSON.parse(init.body as string)).toEqual({
      path: 'nb.ipynb',
      clientToken: 'tok'
    });
  });

  it('sends domainId and projectId of stop and output in the body, as the server reads them', async () => {
    makeRequest.mockImplementation(async () =>
      jsonResponse(200, { id: 'r1', status: 'STOPPING', path: 'x.ipynb' })
    );
    await client.stopRun('r1', { domainId: 'dzd_a', projectId: 'p1' });
    await client.exportOutput('r1', { format: 'PDF', domainId: 'dzd_a' });
    await client.stopRun('r2');
    const [stop, output, bare] = makeRequest.mock.calls;
    expect(stop[0]).toBe('http://localhost:8888/lab-base/sagerun/runs/r1/stop');
    expect(JSON.parse((stop[1] as RequestInit).body as string)).toEqual({
      domainId: 'dzd_a',
      projectId: 'p1'
    });
    expect(output[0]).toBe(
      'http://localhost:8888/lab-base/sagerun/runs/r1/output'
    );
    expect(JSON.parse((output[1] as RequestInit).body as string)).toEqual({
      format: 'PDF',
      domainId: 'dzd_a'
    });
    // Nothing given: an empty body, never a null the server would refuse.
    expect(JSON.parse((bare[1] as RequestInit).body as string)).toEqual({});
  });

  it('turns a 400 into a typed error with its fields', async () => {
    makeRequest.mockResolvedValue(
      jsonResponse(400, {
        error: {
          code: 'ValidationException',
          message: 'Invalid request',
          fields: [
            {
              path: 'timeoutConfiguration.runTimeoutInMinutes',
              message: 'at least 60'
            },
            { path: 'parameters.alpha', message: 'too long' }
          ],
          retryable: false,
          requestId: 'req-1'
        }
      })
    );
    const error = await failure(client.startRun({ path: 'nb.ipynb' }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('ValidationException');
    expect(error.message).toBe('Invalid request');
    expect(error.fields).toEqual([
      {
        path: 'timeoutConfiguration.runTimeoutInMinutes',
        message: 'at least 60'
      },
      { path: 'parameters.alpha', message: 'too long' }
    ]);
    expect(error.retryable).toBe(false);
    expect(error.requestId).toBe('req-1');
    expect(error.isValidation).toBe(true);
  });

  it('keeps the fix in a 401 message', async () => {
    makeRequest.mockResolvedValue(
      jsonResponse(401, {
        error: {
          code: 'UnauthorizedException',
          message: 'The credentials expired: run aws sso login --profile dev',
          fields: [],
          retryable: false,
          requestId: null
        }
      })
    );
    const error = await failure(client.getContext());
    expect(error.status).toBe(401);
    expect(error.code).toBe('UnauthorizedException');
    expect(error.message).toContain('aws sso login --profile dev');
    expect(error.requestId).toBeNull();
  });

  it('maps a network failure to status 0 NetworkError, retryable', async () => {
    makeRequest.mockRejectedValue(
      new ServerConnection.NetworkError(new TypeError('Failed to fetch'))
    );
    const error = await failure(client.startRun({ path: 'nb.ipynb' }));
    expect(error.status).toBe(0);
    expect(error.code).toBe('NetworkError');
    expect(error.isNetworkError).toBe(true);
    expect(error.retryable).toBe(true);
  });

  it('handles a non-JSON 500 without leaking the page', async () => {
    makeRequest.mockResolvedValue(
      new Response('<html><body>Traceback ...</body></html>', {
        status: 500,
        statusText: 'Internal Server Error',
        headers: { 'Content-Type': 'text/html' }
      })
    );
    const error = await failure(client.listRuns());
    expect(error.status).toBe(500);
    expect(error.code).toBe('InternalError');
    expect(error.message).toBe(
      'The server answered 500 Internal Server Error.'
    );
    expect(error.message).not.toContain('Traceback');
  });

  it('tells a missing route (404 from Jupyter) from a missing run', async () => {
    makeRequest.mockResolvedValue(
      new Response('<html>404: Not Found</html>', {
        status: 404,
        statusText: 'Not Found'
      })
    );
    const missingRoute = await failure(client.exportOutput('r1'));
    expect(missingRoute.code).toBe('NotFound');
    makeRequest.mockResolvedValue(
      jsonResponse(404, {
        error: {
          code: 'ResourceNotFoundException',
          message: 'No run r1',
          fields: [],
          retryable: false
        }
      })
    );
    const missingRun = await failure(client.exportOutput('r1'));
    expect(missingRun.code).toBe('ResourceNotFoundException');
    expect(
      JSON.parse((makeRequest.mock.calls[1][1] as RequestInit).body as string)
    ).toEqual({
      format: 'IPYNB'
    });
  });

  it('marks retryable upstream errors', async () => {
    makeRequest.mockResolvedValue(
      jsonResponse(429, {
        error: {
          code: 'ThrottlingException',
          message: 'Slow down',
          fields: [],
          retryable: true
        }
      })
    );
    const error = await failure(client.listRuns());
    expect(error.retryable).toBe(true);
    expect(error.status).toBe(429);
  });

  it('rejects a 200 that is not JSON', async () => {
    makeRequest.mockResolvedValue(new Response('not json', { status: 200 }));
    const error = await failure(client.getContext());
    expect(error.code).toBe('InvalidResponse');
  });
});
