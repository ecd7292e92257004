import * as React from 'react';

import type { SchedulesAvailability } from '../api/scheduleTypes';
import { SCHEDULE_FIELD, When } from '../model/scheduleForm';
import type { PreviewState } from '../model/schedulePreview';
import { describedBy, FieldErrorMessage, FieldRow, Section } from './Field';
import {
  IScheduleFieldsProps,
  ScheduleExpressionFields
} from './ScheduleExpressionFields';
import { ScheduleWindowFields } from './ScheduleWindowFields';

export interface IScheduleSectionProps extends IScheduleFieldsProps {
  preview: PreviewState;
  zones: string[];
  /** `GET sagerun/context`'s `schedules`; null while unknown. */
  availability: SchedulesAvailability | null;
}

/** The run form's "When": now, or on a schedule with its expression and dates. */
export function ScheduleSection(props: IScheduleSectionProps): JSX.Element {
  const { trans, state, errors, onChange } = props;
  const available = props.availability?.available ?? false;
  const editing = state.editing !== null;
  const reason =
    props.availability && !available
      ? props.availability.reason ||
        trans.__('Schedules are not available here.')
      : null;
  const choose = (when: When) => onChange({ when }, []);
  return (
    <Section title={trans.__('When')} className="jp-SageRun-when">
      <div
        className="jp-SageRun-radios"
        role="radiogroup"
        aria-label={trans.__('When')}
      >
        <label>
          <input
            type="radio"
            name="sagerun-when"
            data-testid="sagerun-when-now"
            checked={state.when === 'now'}
            disabled={editing}
            onChange={() => choose('now')}
          />
          {trans.__('Now')}
        </label>
        <label>
          <input
            type="radio"
            name="sagerun-when"
            data-testid="sagerun-when-schedule"
            checked={state.when === 'schedule'}
            disabled={!available && !editing}
            aria-describedby={
              reason ? 'sagerun-schedule-unavailable' : undefined
            }
            onChange={() => choose('schedule')}
          />
          {trans.__('On a schedule')}
        </label>
      </div>
      {reason ? (
        <div
          className="jp-SageRun-hint"
          id="sagerun-schedule-unavailable"
          data-testid="sagerun-schedule-unavailable"
        >
          {reason}
        </div>
      ) : null}
      {state.when === 'schedule' ? (
        <>
          <FieldRow
            label={trans.__('Name')}
            htmlFor="sagerun-schedule-name"
            field={SCHEDULE_FIELD.name}
            error={errors[SCHEDULE_FIELD.name]}
            hint={
              editing
                ? trans.__('A schedule keeps its name.')
                : trans.__('Letters, digits, "-", "_" and "."; up to 64.')
            }
          >
            <input
              id="sagerun-schedule-name"
              className="jp-mod-styled"
              data-testid="sagerun-schedule-name"
              spellCheck={false}
              readOnly={editing}
              value={state.name}
              onChange={e =>
                onChange({ name: e.target.value }, [SCHEDULE_FIELD.name])
              }
              {...describedBy(
                'sagerun-schedule-name',
                errors[SCHEDULE_FIELD.name],
                true
              )}
            />
          </FieldRow>
          <ScheduleExpressionFields {...props} />
          <ScheduleWindowFields {...props} />
          <FieldErrorMessage
            field={SCHEDULE_FIELD.path}
            message={errors[SCHEDULE_FIELD.path]}
          />
          <div
            className="jp-SageRun-hint"
            data-testid="sagerun-schedule-sync-note"
          >
            {editing
              ? trans.__(
                  'Saving syncs the notebook again: from then on, every firing runs it as it is now.'
                )
              : trans.__(
                  'The schedule runs the notebook as synced now, when you create it; edit the schedule to sync a newer version.'
                )}
          </div>
        </>
      ) : null}
    </Section>
  );
}
