import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { Schedule } from '../api/scheduleTypes';
import type { SchedulesModel } from '../model/schedulesModel';
import { formatFiring } from '../model/timeZones';
import { IRunActions, RunRow } from './RunRow';
import { SmallButton } from './SmallButton';

export interface IScheduleActions {
  pause: (schedule: Schedule) => void;
  resume: (schedule: Schedule) => void;
  runNow: (schedule: Schedule) => void;
  /** Opens the run form on the schedule (PUT on submit). */
  edit: (schedule: Schedule) => void;
  /** Asks first (showDialog), then deletes. */
  remove: (schedule: Schedule) => void;
}

/** One schedule: what and when, its state, its actions and (on demand) its runs. */
export function ScheduleRow(props: {
  schedule: Schedule;
  model: SchedulesModel;
  trans: TranslationBundle;
  actions: IScheduleActions;
  runActions: IRunActions;
}): JSX.Element {
  const { schedule, model, trans, actions } = props;
  const enabled = schedule.state === 'ENABLED';
  const busy = model.isBusy(schedule.name);
  const runs = model.runsOf(schedule.name);
  const next = schedule.nextFirings[0];
  const runsId = `sagerun-schedule-runs-${schedule.name}`;
  return (
    <li
      className="jp-SageRun-scheduleRow"
      data-testid="sagerun-schedule-row"
      data-schedule-name={schedule.name}
      data-state={schedule.state}
      aria-label={trans.__('Schedule %1', schedule.name)}
    >
      <div className="jp-SageRun-runHead">
        <span
          className={`jp-SageRun-scheduleState jp-mod-${enabled ? 'enabled' : 'paused'}`}
          data-testid="sagerun-schedule-state"
        >
          {enabled ? trans.__('Active') : trans.__('Paused')}
        </span>
        <span className="jp-SageRun-runName" title={schedule.path ?? undefined}>
          {schedule.name}
        </span>
      </div>
      <div className="jp-SageRun-scheduleFacts">
        <span data-testid="sagerun-schedule-notebook">
          {schedule.path ?? schedule.notebookId}
        </span>
        <span data-testid="sagerun-schedule-row-description">
          {schedule.description || schedule.expression}
        </span>
        <span data-testid="sagerun-schedule-next" data-iso={next ?? ''}>
          {next
            ? trans.__('Next: %1', formatFiring(next, schedule.timezone))
            : enabled
              ? trans.__('No further firing')
              : trans.__('Paused: no firing')}
        </span>
      </div>
      <div className="jp-SageRun-runActions">
        <SmallButton
          testId="sagerun-schedule-toggle"
          disabled={busy}
          onClick={() =>
            enabled ? actions.pause(schedule) : actions.resume(schedule)
          }
        >
          {enabled ? trans.__('Pause') : trans.__('Resume')}
        </SmallButton>
        <SmallButton
          testId="sagerun-schedule-run-now"
          disabled={busy}
          title={trans.__('Start a run with the schedule’s settings now')}
          onClick={() => actions.runNow(schedule)}
        >
          {trans.__('Run now')}
        </SmallButton>
        <SmallButton
          testId="sagerun-schedule-edit"
          disabled={busy}
          onClick={() => actions.edit(schedule)}
        >
          {trans.__('Edit')}
        </SmallButton>
        <SmallButton
          testId="sagerun-schedule-delete"
          warn
          disabled={busy}
          onClick={() => actions.remove(schedule)}
        >
          {trans.__('Delete')}
        </SmallButton>
        <SmallButton
          testId="sagerun-schedule-runs-toggle"
          ariaExpanded={runs !== null}
          onClick={() => void model.showRuns(schedule.name, runs === null)}
        >
          {runs ? trans.__('Hide runs') : trans.__('Runs')}
        </SmallButton>
      </div>
      {runs ? (
        <div id={runsId} className="jp-SageRun-scheduleRuns">
          {schedule.notebookSyncedAt ? (
            <div className="jp-SageRun-hint">
              {trans.__(
                'Runs the notebook as synced %1.',
                new Date(schedule.notebookSyncedAt).toLocaleString()
              )}
            </div>
          ) : null}
          {runs.error ? (
            <div className="jp-SageRun-fieldError" role="alert">
              {runs.error.message}
            </div>
          ) : runs.items.length === 0 ? (
            <div className="jp-SageRun-empty">
              {runs.loading ? trans.__('Loading…') : trans.__('No runs yet.')}
            </div>
          ) : null}
          <ul
            className="jp-SageRun-runList"
            data-testid="sagerun-schedule-runs"
          >
            {runs.items.map(run => (
              <RunRow
                key={run.id}
                run={run}
                trans={trans}
                actions={props.runActions}
                highlighted={false}
              />
            ))}
          </ul>
        </div>
      ) : null}
    </li>
  );
}
