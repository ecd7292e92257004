import * as React from 'react';

import type {
  SchedulePreview,
  SchedulePreviewRequest
} from '../api/scheduleTypes';
import { previewRequest, ScheduleFormState } from '../model/scheduleForm';
import {
  IDLE_PREVIEW,
  PreviewState,
  SchedulePreviewer
} from '../model/schedulePreview';

/** The server's preview of the form's schedule, asked as the user types. */
export function useSchedulePreview(
  ask: (body: SchedulePreviewRequest) => Promise<SchedulePreview>,
  state: ScheduleFormState
): PreviewState {
  const [preview, setPreview] = React.useState<PreviewState>(IDLE_PREVIEW);
  const previewer = React.useRef<SchedulePreviewer | null>(null);
  if (previewer.current === null) {
    previewer.current = new SchedulePreviewer(ask, setPreview);
  }
  React.useEffect(() => () => previewer.current?.dispose(), []);
  const body = previewRequest(state);
  const key = JSON.stringify(body);
  React.useEffect(() => previewer.current?.request(body), [key]);
  return preview;
}
