import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { Run } from '../api/types';

/** The schedule that started a run, or null when a person did. */
export function scheduleOfRun(run: Run): string | null {
  if (run.triggerSource?.type !== 'SCHEDULED' && !run.scheduleId) {
    return null;
  }
  return run.triggerSource?.name || run.scheduleId || '';
}

/** "scheduled · daily-report" beside a run a schedule started. */
export function ScheduledBadge(props: {
  run: Run;
  trans: TranslationBundle;
}): JSX.Element | null {
  const name = scheduleOfRun(props.run);
  if (name === null) {
    return null;
  }
  const { trans } = props;
  return (
    <span
      className="jp-SageRun-scheduledBadge"
      data-testid="sagerun-run-scheduled"
      data-schedule={name}
      title={
        name
          ? trans.__('Started by the schedule %1', name)
          : trans.__('Started by a schedule')
      }
    >
      {name ? trans.__('scheduled · %1', name) : trans.__('scheduled')}
    </span>
  );
}
