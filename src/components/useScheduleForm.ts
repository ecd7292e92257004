import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type {
  SchedulePreview,
  SchedulePreviewRequest
} from '../api/scheduleTypes';
import {
  ScheduleFieldErrors,
  scheduleFieldErrors,
  ScheduleFormState,
  scheduleReady
} from '../model/scheduleForm';
import type { PreviewState } from '../model/schedulePreview';
import { useSchedulePreview } from './useSchedulePreview';

export interface IScheduleForm {
  state: ScheduleFormState;
  preview: PreviewState;
  /** The form's own checks and the preview's 400, by field. */
  errors: ScheduleFieldErrors;
  /** Whether the When part lets the form submit (always, for "Now"). */
  ready: boolean;
  scheduled: boolean;
  onChange: (patch: Partial<ScheduleFormState>, fields: string[]) => void;
}

/** The run form's When part: its state, the server's preview, its errors. */
export function useScheduleForm(options: {
  initial: ScheduleFormState;
  target: 'path' | 'notebookId';
  previewSchedule: (body: SchedulePreviewRequest) => Promise<SchedulePreview>;
  trans: TranslationBundle;
  /** Fields just edited: their errors from the last submission are stale. */
  onEdited: (fields: string[]) => void;
}): IScheduleForm {
  const [state, setState] = React.useState(options.initial);
  const preview = useSchedulePreview(options.previewSchedule, state);
  const errors = React.useMemo(
    () => scheduleFieldErrors(state, options.target, preview, options.trans),
    [state, options.target, preview, options.trans]
  );
  return {
    state,
    preview,
    errors,
    ready: scheduleReady(state, options.target, preview),
    scheduled: state.when === 'schedule',
    onChange: (patch, fields) => {
      setState(s => ({ ...s, ...patch }));
      options.onEdited(fields);
    }
  };
}

/** The submit button's words. */
export function submitLabel(
  trans: TranslationBundle,
  options: { scheduled: boolean; editing: boolean; saves: boolean }
): string {
  if (options.scheduled) {
    return options.editing
      ? trans.__('Save schedule')
      : trans.__('Create schedule');
  }
  return options.saves ? trans.__('Save and run') : trans.__('Run');
}
