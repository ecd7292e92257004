import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import {
  SCHEDULE_KINDS,
  ScheduleKind,
  SchedulePreset,
  WEEKDAYS,
  Weekday
} from '../model/scheduleExpression';
import {
  SCHEDULE_FIELD,
  ScheduleFieldErrors,
  scheduleExpression,
  ScheduleFormState
} from '../model/scheduleForm';
import type { PreviewState } from '../model/schedulePreview';
import { describedBy, FieldRow } from './Field';
import { SchedulePreviewLine, weekdayName } from './SchedulePreviewLine';

export function kindLabel(
  kind: ScheduleKind,
  trans: TranslationBundle
): string {
  switch (kind) {
    case 'hourly':
      return trans.__('Every hour');
    case 'daily':
      return trans.__('Every day');
    case 'weekdays':
      return trans.__('Weekdays (Monday to Friday)');
    case 'weekly':
      return trans.__('Every week');
    case 'monthly':
      return trans.__('Every month');
    default:
      return trans.__('Custom expression');
  }
}

export interface IScheduleFieldsProps {
  trans: TranslationBundle;
  state: ScheduleFormState;
  errors: ScheduleFieldErrors;
  onChange: (patch: Partial<ScheduleFormState>, fields: string[]) => void;
}

/** How often: a preset and its inputs, or an expression; the preview under it. */
export function ScheduleExpressionFields(
  props: IScheduleFieldsProps & { preview: PreviewState }
): JSX.Element {
  const { trans, state, errors } = props;
  const preset = state.preset;
  const set = (patch: Partial<SchedulePreset>) =>
    props.onChange({ preset: { ...preset, ...patch } }, [
      SCHEDULE_FIELD.expression
    ]);
  const timed = preset.kind !== 'hourly' && preset.kind !== 'custom';
  return (
    <>
      <FieldRow
        label={trans.__('Repeat')}
        htmlFor="sagerun-schedule-kind"
        field="scheduleKind"
      >
        <select
          id="sagerun-schedule-kind"
          className="jp-mod-styled"
          data-testid="sagerun-schedule-kind"
          value={preset.kind}
          onChange={e => set({ kind: e.target.value as ScheduleKind })}
        >
          {SCHEDULE_KINDS.map(k => (
            <option key={k} value={k}>
              {kindLabel(k, trans)}
            </option>
          ))}
        </select>
      </FieldRow>
      {preset.kind === 'hourly' ? (
        <FieldRow
          label={trans.__('At minute')}
          htmlFor="sagerun-schedule-minute"
          field={SCHEDULE_FIELD.minute}
          error={errors[SCHEDULE_FIELD.minute]}
        >
          <input
            id="sagerun-schedule-minute"
            className="jp-mod-styled"
            data-testid="sagerun-schedule-minute"
            inputMode="numeric"
            value={preset.minute}
            onChange={e => set({ minute: e.target.value })}
            {...describedBy(
              'sagerun-schedule-minute',
              errors[SCHEDULE_FIELD.minute]
            )}
          />
        </FieldRow>
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
        <FieldRow
          label={trans.__('On day')}
          htmlFor="sagerun-schedule-day"
          field={SCHEDULE_FIELD.dayOfMonth}
          error={errors[SCHEDULE_FIELD.dayOfMonth]}
          hint={trans.__('Months without that day are skipped.')}
        >
          <input
            id="sagerun-schedule-day"
            className="jp-mod-styled"
            data-testid="sagerun-schedule-day"
            inputMode="numeric"
            value={preset.dayOfMonth}
            onChange={e => set({ dayOfMonth: e.target.value })}
            {...describedBy(
              'sagerun-schedule-day',
              errors[SCHEDULE_FIELD.dayOfMonth],
              true
            )}
          />
        </FieldRow>
      ) : null}
      {timed ? (
        <FieldRow
          label={trans.__('At')}
          htmlFor="sagerun-schedule-time"
          field={SCHEDULE_FIELD.time}
          error={errors[SCHEDULE_FIELD.time]}
        >
          <input
            id="sagerun-schedule-time"
            type="time"
            className="jp-mod-styled"
            data-testid="sagerun-schedule-time"
            value={preset.time}
            onChange={e => set({ time: e.target.value })}
            {...describedBy(
              'sagerun-schedule-time',
              errors[SCHEDULE_FIELD.time]
            )}
          />
        </FieldRow>
      ) : null}
      <FieldRow
        label={trans.__('Expression')}
        htmlFor="sagerun-schedule-expression"
        field={SCHEDULE_FIELD.expression}
        error={errors[SCHEDULE_FIELD.expression]}
        hint={
          <SchedulePreviewLine
            trans={trans}
            state={state}
            preview={props.preview}
          />
        }
      >
        <input
          id="sagerun-schedule-expression"
          className="jp-mod-styled jp-SageRun-expression"
          data-testid="sagerun-schedule-expression"
          spellCheck={false}
          readOnly={preset.kind !== 'custom'}
          placeholder="cron(0 6 ? * MON-FRI *)"
          value={
            preset.kind === 'custom'
              ? preset.custom
              : (scheduleExpression(state) ?? '')
          }
          onChange={e => set({ custom: e.target.value })}
          {...describedBy(
            'sagerun-schedule-expression',
            errors[SCHEDULE_FIELD.expression],
            true
          )}
        />
      </FieldRow>
    </>
  );
}
