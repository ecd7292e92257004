import { SageRunApiError } from '../api/errors';
import type { Run, StartRunRequest } from '../api/types';

/** A v4 UUID; `crypto.randomUUID` only exists in secure contexts (https, localhost). */
export function newClientToken(): string {
  const c: Crypto | undefined = (globalThis as any).crypto;
  if (c && typeof c.randomUUID === 'function') {
    return c.randomUUID();
  }
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') {
    c.getRandomValues(bytes);
  } else {
    for (let i = 0; i < bytes.length; i++) {
      bytes[i] = Math.floor(Math.random() * 256);
    }
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether the request may have reached the service: retry with the same token. */
export function mayHaveStarted(error: unknown): boolean {
  return (
    error instanceof SageRunApiError &&
    (error.isNetworkError || error.retryable)
  );
}

/**
 * One submission of the run form. A double click joins the request in flight;
 * a retry after a network (or retryable) failure sends the same clientToken,
 * so the service starts one run, not two. A body that changed, or a failure
 * the service answered definitively, gets a new token.
 */
export class RunSubmitter {
  constructor(
    private readonly start: (request: StartRunRequest) => Promise<Run>,
    private readonly makeToken: () => string = newClientToken
  ) {}

  get pending(): boolean {
    return this._inFlight !== null;
  }

  /** The token of the current submission, if one was made. */
  get clientToken(): string | null {
    return this._token;
  }

  submit(request: Omit<StartRunRequest, 'clientToken'>): Promise<Run> {
    if (this._inFlight) {
      return this._inFlight;
    }
    const body = JSON.stringify(request);
    if (!this._token || !this._retryable || body !== this._body) {
      this._token = this.makeToken();
    }
    this._body = body;
    const token = this._token;
    const promise = this.start({ ...request, clientToken: token }).then(
      run => {
        this._inFlight = null;
        this._retryable = false;
        this._token = null;
        return run;
      },
      (error: unknown) => {
        this._inFlight = null;
        this._retryable = mayHaveStarted(error);
        throw error;
      }
    );
    this._inFlight = promise;
    return promise;
  }

  private _token: string | null = null;
  private _body = '';
  private _retryable = false;
  private _inFlight: Promise<Run> | null = null;
}
