import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { SchedulesModel } from '../model/schedulesModel';
import type { IRunActions } from './RunRow';
import { useModelChanged } from './useModelChanged';
import { IScheduleActions, ScheduleRow } from './ScheduleRow';

/** The Remote runs panel's Schedules view: the project's schedules, newest first. */
export function SchedulesView(props: {
  model: SchedulesModel;
  trans: TranslationBundle;
  actions: IScheduleActions;
  runActions: IRunActions;
}): JSX.Element {
  const { model, trans } = props;
  useModelChanged(model);
  return (
    <div
      className="jp-SageRun-schedulesView"
      data-testid="sagerun-schedules-view"
    >
      {model.error ? (
        <div
          className="jp-SageRun-submitError"
          role="alert"
          data-testid="sagerun-schedules-error"
        >
          <strong>{model.error.code}</strong>: {model.error.message}
        </div>
      ) : null}
      {model.items.length === 0 && !model.loading && !model.error ? (
        <div className="jp-SageRun-empty" data-testid="sagerun-schedules-empty">
          {trans.__(
            'No schedules yet. In the run form, choose "On a schedule" under When.'
          )}
        </div>
      ) : null}
      <ul className="jp-SageRun-runList" aria-label={trans.__('Schedules')}>
        {model.items.map(schedule => (
          <ScheduleRow
            key={schedule.name}
            schedule={schedule}
            model={model}
            trans={trans}
            actions={props.actions}
            runActions={props.runActions}
          />
        ))}
      </ul>
      {model.loading ? (
        <div className="jp-SageRun-loading">
          <span className="jp-SageRun-spinner" aria-hidden="true" />
          {trans.__('Loading…')}
        </div>
      ) : null}
    </div>
  );
}
