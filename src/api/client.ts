import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { NETWORK_ERROR_STATUS, SageRunApiError } from './errors';
import type {
  IScheduleApi,
  Schedule,
  ScheduleList,
  SchedulePreview,
  SchedulePreviewRequest,
  ScheduleRequest
} from './scheduleTypes';
import type {
  ErrorBody,
  FullRun,
  ICellSource,
  ListNotebooksQuery,
  ListNotebooksResponse,
  ListRunsQuery,
  ListRunsResponse,
  OutputFormat,
  OutputRequest,
  OutputResponse,
  RunContext,
  StartRunRequest,
  StopRequest
} from './types';

type Query = { [key: string]: string | number | boolean | null | undefined };

/** The namespace of every route of the server extension. */
export const API_NAMESPACE = 'sagerun';

/**
 * The one network module of the frontend: a typed client of the server
 * extension's REST API. Every failure is a `SageRunApiError`.
 */
export class SageRunClient implements IScheduleApi {
  constructor(options: { serverSettings?: ServerConnection.ISettings } = {}) {
    this.serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
  }

  readonly serverSettings: ServerConnection.ISettings;

  getContext(query: { domainId?: string; projectId?: string } = {}) {
    return this.request<RunContext>('GET', ['context'], { query });
  }

  listNotebooks(query: ListNotebooksQuery = {}) {
    return this.request<ListNotebooksResponse>('GET', ['notebooks'], {
      query
    });
  }

  startRun(body: StartRunRequest) {
    return this.request<FullRun>('POST', ['runs'], { body });
  }

  listRuns(query: ListRunsQuery = {}) {
    return this.request<ListRunsResponse>('GET', ['runs'], {
      query: query as Query
    });
  }

  getRun(
    runId: string,
    options: { domainId?: string; revealParameters?: boolean } = {}
  ) {
    return this.request<FullRun>('GET', ['runs', runId], {
      query: {
        domainId: options.domainId,
        reveal: options.revealParameters ? 'parameters' : undefined
      }
    });
  }

  /** The server reads `domainId`/`projectId` of stop from the body only. */
  stopRun(runId: string, options: StopRequest = {}) {
    const body: StopRequest = definedOnly(options);
    return this.request<FullRun>('POST', ['runs', runId, 'stop'], { body });
  }

  /** The server reads `domainId`/`projectId` of output from the body only. */
  exportOutput(
    runId: string,
    options: { format?: OutputFormat } & Omit<OutputRequest, 'format'> = {}
  ) {
    const body: OutputRequest = definedOnly({
      ...options,
      format: options.format ?? 'IPYNB'
    });
    return this.request<OutputResponse>('POST', ['runs', runId, 'output'], {
      body
    });
  }

  listSchedules(query: { path?: string } = {}) {
    return this.request<ScheduleList>('GET', ['schedules'], { query });
  }

  /** Syncs the notebook at `path` first, like a run. */
  createSchedule(body: ScheduleRequest) {
    return this.request<Schedule>('POST', ['schedules'], { body });
  }

  /** Syncs the notebook again and replaces the expression and settings. */
  updateSchedule(name: string, body: ScheduleRequest) {
    return this.request<Schedule>('PUT', ['schedules', name], { body });
  }

  deleteSchedule(name: string) {
    return this.request<void>('DELETE', ['schedules', name]);
  }

  pauseSchedule(name: string) {
    return this.request<Schedule>('POST', ['schedules', name, 'pause']);
  }

  resumeSchedule(name: string) {
    return this.request<Schedule>('POST', ['schedules', name, 'resume']);
  }

  /** A run with the schedule's settings, now. */
  runScheduleNow(name: string) {
    return this.request<FullRun>('POST', ['schedules', name, 'run']);
  }

  previewSchedule(body: SchedulePreviewRequest) {
    return this.request<SchedulePreview>('POST', ['schedules', 'preview'], {
      body
    });
  }

  listScheduleRuns(scheduleId: string) {
    return this.request<ListRunsResponse>('GET', ['runs'], {
      query: { scheduleId }
    });
  }

  /**
   * The notebook's cells as the file on disk holds them, through the server's REST
   * contents API (never a collaborative drive: the run reads the disk, not the room).
   */
  async readNotebookCells(path: string): Promise<ICellSource[]> {
    const url =
      URLExt.join(
        this.serverSettings.baseUrl,
        'api/contents',
        URLExt.encodeParts(path)
      ) + '?type=notebook&content=1';
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        url,
        { method: 'GET' },
        this.serverSettings
      );
    } catch (reason) {
      throw new SageRunApiError({
        status: NETWORK_ERROR_STATUS,
        code: 'NetworkError',
        message: 'Could not reach the Jupyter server to read the notebook.',
        retryable: true
      });
    }
    if (!response.ok) {
      throw new SageRunApiError({
        status: response.status,
        code: 'NotebookUnreadable',
        message: `Could not read ${path} from the server (HTTP ${response.status}).`
      });
    }
    const model = await response.json();
    return (model?.content?.cells ?? []) as ICellSource[];
  }

  /** Build the URL of a route; query values that are empty are left out. */
  url(segments: string[], query: Query = {}): string {
    const base = URLExt.join(
      this.serverSettings.baseUrl,
      API_NAMESPACE,
      ...segments.map(encodeURIComponent)
    );
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') {
        search.append(key, String(value));
      }
    }
    const qs = search.toString();
    return qs ? `${base}?${qs}` : base;
  }

  async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    segments: string[],
    options: { query?: Query; body?: unknown } = {}
  ): Promise<T> {
    const init: RequestInit = { method };
    if (options.body !== undefined) {
      init.body = JSON.stringify(options.body);
      init.headers = { 'Content-Type': 'application/json' };
    }
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        this.url(segments, options.query),
        init,
        this.serverSettings
      );
    } catch (reason) {
      throw new SageRunApiError({
        status: NETWORK_ERROR_STATUS,
        code: 'NetworkError',
        message:
          'Could not reach the Jupyter server' +
          (reason instanceof Error && reason.message
            ? `: ${reason.message}`
            : '.'),
        retryable: true
      });
    }
    return parseResponse<T>(response);
  }
}

/**
 * The fields that have a value: a body names a field or leaves it out (the
 * server answers `null` with a 400 naming it).
 */
function definedOnly<T extends object>(fields: T): T {
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined && v !== null)
  ) as T;
}

/** Turn a response into its JSON body or a `SageRunApiError`. */
export async function parseResponse<T>(response: Response): Promise<T> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // A connection cut while reading the body: the request may have run.
    throw new SageRunApiError({
      status: NETWORK_ERROR_STATUS,
      code: 'NetworkError',
      message: 'The connection to the Jupyter server was lost.',
      retryable: true
    });
  }
  let data: unknown = undefined;
  let parsed = false;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
      parsed = true;
    } catch {
      parsed = false;
    }
  }
  if (response.ok) {
    if (response.status === 204 || text.length === 0) {
      return undefined as unknown as T;
    }
    if (!parsed) {
      throw new SageRunApiError({
        status: response.status,
        code: 'InvalidResponse',
        message: 'The server answered with something that is not JSON.'
      });
    }
    return data as T;
  }
  const body = parsed ? (data as Partial<ErrorBody>) : undefined;
  const error = body && typeof body === 'object' ? body.error : undefined;
  if (error && typeof error === 'object' && typeof error.message === 'string') {
    return Promise.reject(
      new SageRunApiError({
        status: response.status,
        code: typeof error.code === 'string' ? error.code : 'Error',
        message: error.message,
        fields: Array.isArray(error.fields)
          ? error.fields.filter(
              f => f && typeof f.path === 'string' && typeof f.message === 'string'
            )
          : [],
        retryable: Boolean(error.retryable),
        requestId: error.requestId ?? null
      })
    );
  }
  // Not our error body: a proxy page, Jupyter's own HTML 404/500, a gateway.
  const jupyterMessage =
    body && typeof (body as any).message === 'string'
      ? String((body as any).message)
      : '';
  throw new SageRunApiError({
    status: response.status,
    code: defaultCode(response.status),
    message:
      jupyterMessage ||
      `The server answered ${response.status}${
        response.statusText ? ` ${response.statusText}` : ''
      }.`,
    retryable: response.status >= 502 && response.status <= 504
  });
}

function defaultCode(status: number): string {
  switch (status) {
    case 401:
      return 'UnauthorizedException';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 405:
      return 'MethodNotAllowed';
    default:
      return status >= 500 ? 'InternalError' : 'HttpError';
  }
}
