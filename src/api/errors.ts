import type { FieldError } from './types';

/** Status used for failures that never produced an HTTP answer. */
export const NETWORK_ERROR_STATUS = 0;

/**
 * The one error type of the API client: the server's error body, or a
 * network/parse failure mapped onto the same shape.
 */
export class SageRunApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];
  readonly retryable: boolean;
  readonly requestId: string | null;

  constructor(options: {
    status: number;
    code: string;
    message: string;
    fields?: FieldError[];
    retryable?: boolean;
    requestId?: string | null;
  }) {
    super(options.message);
    this.name = 'SageRunApiError';
    this.status = options.status;
    this.code = options.code;
    this.fields = options.fields ?? [];
    this.retryable = options.retryable ?? false;
    this.requestId = options.requestId ?? null;
    // Keep instanceof working when compiled to ES5-style classes.
    Object.setPrototypeOf(this, SageRunApiError.prototype);
  }

  /** The request never reached the server or its answer was lost. */
  get isNetworkError(): boolean {
    return this.status === NETWORK_ERROR_STATUS;
  }

  get isValidation(): boolean {
    return this.status === 400;
  }
}

/** Anything thrown as the service's error type: a bug in the page is an InternalError. */
export function asApiError(e: unknown): SageRunApiError {
  if (e instanceof SageRunApiError) {
    return e;
  }
  return new SageRunApiError({
    status: 500,
    code: 'InternalError',
    message: e instanceof Error ? e.message : String(e)
  });
}
