import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import { SchedulePreset, WEEKDAYS, Weekday } from '../model/scheduleExpression';
import { SCHEDULE_FIELD, ScheduleFieldErrors } from '../model/scheduleForm';
import { describedBy, FieldRow } from './Field';
import { weekdayName } from './SchedulePreviewLine';

/** One text input of a preset (minute, day of the month, time). */
function PresetInput(props: {
  id: string;
  label: string;
  field: string;
  value: string;
  error?: string;
  hint?: string;
  type?: 'time';
  onChange: (value: string) => void;
}): JSX.Element {
  const id = `sagerun-schedule-${props.id}`;
  return (
    <FieldRow
      label={props.label}
      htmlFor={id}
      field={props.field}
      error={props.error}
      hint={props.hint}
    >
      <input
        id={id}
        type={props.type}
        className="jp-mod-styled"
        data-testid={id}
        inputMode={props.type ? undefined : 'numeric'}
        value={props.value}
        onChange={e => props.onChange(e.target.value)}
        {...describedBy(id, props.error, !!props.hint)}
      />
    </FieldRow>
  );
}

/** The inputs the chosen preset needs: minute, weekday, day of the month, time. */
export function SchedulePresetInputs(props: {
  trans: TranslationBundle;
  preset: SchedulePreset;
  errors: ScheduleFieldErrors;
  set: (patch: Partial<SchedulePreset>) => void;
}): JSX.Element {
  const { trans, preset, errors, set } = props;
  const timed = preset.kind !== 'hourly' && preset.kind !== 'custom';
  return (
    <>
      {preset.kind === 'hourly' ? (
        <PresetInput
          id="minute"
          label={trans.__('At minute')}
          field={SCHEDULE_FIELD.minute}
          value={preset.minute}
          error={errors[SCHEDULE_FIELD.minute]}
          onChange={minute => set({ minute })}
        />
      ) : null}
      {preset.kind === 'weekly' ? (
        <FieldRow
          label={trans.__('On')}
          htmlFor="sagerun-schedule-weekday"
          field="expression.weekday"
        >
          <select
            id="sagerun-schedule-weekday"
            className="jp-mod-styled"
            data-testid="sagerun-schedule-weekday"
            value={preset.weekday}
            onChange={e => set({ weekday: e.target.value as Weekday })}
          >
            {WEEKDAYS.map(d => (
              <option key={d} value={d}>
                {weekdayName(d)}
              </option>
            ))}
          </select>
        </FieldRow>
      ) : null}
      {preset.kind === 'monthly' ? (
        <PresetInput
          id="day"
          label={trans.__('On day')}
          field={SCHEDULE_FIELD.dayOfMonth}
          value={preset.dayOfMonth}
          error={errors[SCHEDULE_FIELD.dayOfMonth]}
          hint={trans.__('Months without that day are skipped.')}
          onChange={dayOfMonth => set({ dayOfMonth })}
        />
      ) : null}
      {timed ? (
        <PresetInput
          id="time"
          type="time"
          label={trans.__('At')}
          field={SCHEDULE_FIELD.time}
          value={preset.time}
          error={errors[SCHEDULE_FIELD.time]}
          onChange={time => set({ time })}
        />
      ) : null}
    </>
  );
}
