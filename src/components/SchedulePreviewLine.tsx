import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import { WEEKDAYS, Weekday } from '../model/scheduleExpression';
import type { ScheduleFormState } from '../model/scheduleForm';
import type { PreviewState } from '../model/schedulePreview';
import { formatFiring } from '../model/timeZones';

/** MON → Monday, in the browser's language. */
export function weekdayName(day: Weekday): string {
  // 2024-01-01 was a Monday.
  const date = new Date(Date.UTC(2024, 0, 1 + WEEKDAYS.indexOf(day), 12));
  return date.toLocaleDateString(undefined, {
    weekday: 'long',
    timeZone: 'UTC'
  });
}

/** The server's words for the expression and its next three firings. */
export function SchedulePreviewLine(props: {
  trans: TranslationBundle;
  state: ScheduleFormState;
  preview: PreviewState;
}): JSX.Element {
  const { trans, preview } = props;
  const shown = preview.preview;
  return (
    <span
      className="jp-SageRun-schedulePreview"
      data-testid="sagerun-schedule-preview"
      data-status={preview.status}
      aria-live="polite"
    >
      {shown ? (
        <>
          <span data-testid="sagerun-schedule-description">
            {shown.description}
          </span>
          {shown.nextFirings.length ? (
            <ol
              className="jp-SageRun-firings"
              aria-label={trans.__('Next firings')}
            >
              {shown.nextFirings.map(iso => (
                <li
                  key={iso}
                  data-testid="sagerun-schedule-firing"
                  data-iso={iso}
                >
                  {formatFiring(iso, props.state.timezone)}
                </li>
              ))}
            </ol>
          ) : (
            <span> {trans.__('It never fires in the dates given.')}</span>
          )}
        </>
      ) : preview.status === 'pending' ? (
        trans.__('Working out the next firings…')
      ) : preview.message ? (
        trans.__('No preview: %1', preview.message)
      ) : null}
    </span>
  );
}
