import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import {
  SCHEDULE_KINDS,
  ScheduleKind,
  SchedulePreset
} from '../model/scheduleExpression';
import {
  SCHEDULE_FIELD,
  ScheduleFieldErrors,
  scheduleExpression,
  ScheduleFormState
} from '../model/scheduleForm';
import type { PreviewState } from '../model/schedulePreview';
import { describedBy, FieldRow } from './Field';
import { SchedulePresetInputs } from './SchedulePresetInputs';
import { SchedulePreviewLine } from './SchedulePreviewLine';

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
      <SchedulePresetInputs
        trans={trans}
        preset={preset}
        errors={errors}
        set={set}
      />
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
