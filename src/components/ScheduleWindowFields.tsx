import * as React from 'react';

import { SCHEDULE_FIELD } from '../model/scheduleForm';
import { describedBy, FieldRow } from './Field';
import type { IScheduleFieldsProps } from './ScheduleExpressionFields';

/** The schedule's time zone (searchable: a datalist) and its optional dates. */
export function ScheduleWindowFields(
  props: IScheduleFieldsProps & { zones: string[] }
): JSX.Element {
  const { trans, state, errors, onChange } = props;
  const zoneError = errors[SCHEDULE_FIELD.timezone];
  const date = (
    key: 'startDate' | 'endDate',
    label: string,
    hint: string
  ): JSX.Element => {
    const id = `sagerun-schedule-${key}`;
    return (
      <FieldRow
        label={label}
        htmlFor={id}
        field={SCHEDULE_FIELD[key]}
        error={errors[SCHEDULE_FIELD[key]]}
        hint={hint}
      >
        <input
          id={id}
          type="datetime-local"
          className="jp-mod-styled"
          data-testid={id}
          value={state[key]}
          onChange={e =>
            onChange({ [key]: e.target.value }, [
              SCHEDULE_FIELD.startDate,
              SCHEDULE_FIELD.endDate
            ])
          }
          {...describedBy(id, errors[SCHEDULE_FIELD[key]], true)}
        />
      </FieldRow>
    );
  };
  return (
    <>
      <FieldRow
        label={trans.__('Time zone')}
        htmlFor="sagerun-schedule-timezone"
        field={SCHEDULE_FIELD.timezone}
        error={zoneError}
        hint={trans.__(
          'Type to search. The times above and the dates below are in this zone.'
        )}
      >
        <input
          id="sagerun-schedule-timezone"
          className="jp-mod-styled"
          data-testid="sagerun-schedule-timezone"
          list="sagerun-schedule-timezones"
          autoComplete="off"
          spellCheck={false}
          value={state.timezone}
          onChange={e =>
            onChange({ timezone: e.target.value }, [SCHEDULE_FIELD.timezone])
          }
          {...describedBy('sagerun-schedule-timezone', zoneError, true)}
        />
        <datalist id="sagerun-schedule-timezones">
          {props.zones.map(zone => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      </FieldRow>
      {date(
        'startDate',
        trans.__('Start (optional)'),
        trans.__('No firing before this time.')
      )}
      {date(
        'endDate',
        trans.__('End (optional)'),
        trans.__('No firing after this time.')
      )}
    </>
  );
}
