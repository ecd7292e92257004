/**
 * The preview under the schedule's expression: POST sagerun/schedules/preview,
 * asked once the user stops typing (debounced), answers to older questions
 * dropped, a 400's field messages kept for the fields they name.
 */
import { SageRunApiError } from '../api/errors';
import type {
  SchedulePreview,
  SchedulePreviewRequest
} from '../api/scheduleTypes';

export const PREVIEW_DELAY_MS = 400;

export interface PreviewState {
  /** idle: nothing to ask; pending: asked or about to be; ready; invalid: a 400; failed: anything else. */
  status: 'idle' | 'pending' | 'ready' | 'invalid' | 'failed';
  preview: SchedulePreview | null;
  /** A 400's messages by field path (`expression`, `timezone`, `endDate`). */
  fields: { [path: string]: string };
  /** The message of a failure that names no field. */
  message: string | null;
}

export const IDLE_PREVIEW: PreviewState = {
  status: 'idle',
  preview: null,
  fields: {},
  message: null
};

export class SchedulePreviewer {
  constructor(
    private readonly ask: (
      body: SchedulePreviewRequest
    ) => Promise<SchedulePreview>,
    private readonly onChange: (state: PreviewState) => void,
    private readonly delayMs = PREVIEW_DELAY_MS
  ) {}

  get state(): PreviewState {
    return this._state;
  }

  /** The form changed: ask about `body` (null: nothing to ask) after the delay. */
  request(body: SchedulePreviewRequest | null): void {
    const key = body ? JSON.stringify(body) : '';
    if (key === this._key) {
      return;
    }
    this._key = key;
    this._generation++;
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    if (!body) {
      this._set(IDLE_PREVIEW);
      return;
    }
    // The last answer stays on screen while the next is asked.
    this._set({ ...this._state, status: 'pending', fields: {}, message: null });
    const generation = this._generation;
    this._timer = setTimeout(() => {
      this._timer = null;
      void this._ask(body, generation);
    }, this.delayMs);
  }

  dispose(): void {
    this._disposed = true;
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
  }

  private async _ask(
    body: SchedulePreviewRequest,
    generation: number
  ): Promise<void> {
    let next: PreviewState;
    try {
      const preview = await this.ask(body);
      next = { status: 'ready', preview, fields: {}, message: null };
    } catch (e) {
      const error = e instanceof SageRunApiError ? e : null;
      const fields: { [path: string]: string } = {};
      for (const f of error?.fields ?? []) {
        fields[f.path] = fields[f.path]
          ? `${fields[f.path]} ${f.message}`
          : f.message;
      }
      const invalid = !!error?.isValidation;
      next = {
        status: invalid ? 'invalid' : 'failed',
        preview: null,
        fields,
        message:
          Object.keys(fields).length && invalid
            ? null
            : String((e as Error)?.message ?? e)
      };
    }
    if (generation === this._generation && !this._disposed) {
      this._set(next);
    }
  }

  private _set(state: PreviewState): void {
    this._state = state;
    if (!this._disposed) {
      this.onChange(state);
    }
  }

  private _state: PreviewState = IDLE_PREVIEW;
  private _key = '';
  private _generation = 0;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _disposed = false;
}

/**
 * Whether the schedule may be sent: the server has previewed exactly this
 * expression and found nothing wrong. A failure that is not a 400 (the server
 * unreachable) does not block: the submission will say what is wrong.
 */
export function previewAllowsSubmit(state: PreviewState): boolean {
  return state.status === 'ready' || state.status === 'failed';
}
