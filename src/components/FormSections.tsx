import * as React from 'react';

import { LIMITS } from '../api/limits';
import type { RunStatus, TriggerSourceType } from '../api/types';
import { FIELD } from '../model/validation';
import { FieldErrorMessage, FieldRow, Section } from './Field';
import { formatHours } from '../model/format';
import { statusLabel } from './StatusBadge';
import { ISectionProps, TextRow } from './TextRow';

export function ComputeSection(
  props: ISectionProps & { suggestions: string[] }
): JSX.Element {
  const { trans } = props;
  return (
    <Section title={trans.__('Compute')}>
      <TextRow
        {...props}
        label={trans.__('Instance type')}
        id="sagerun-instance-type"
        field={FIELD.instanceType}
        stateKey="instanceType"
        placeholder="ml.m5.xlarge"
        hint={trans.__(
          'Pick a suggestion or type one; empty lets the service choose.'
        )}
        input={{ autoFocus: true, list: 'sagerun-instance-type-suggestions' }}
      >
        <datalist id="sagerun-instance-type-suggestions">
          {props.suggestions.map(s => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </TextRow>
      <TextRow
        {...props}
        label={trans.__('Compute environment version')}
        id="sagerun-environment-version"
        field={FIELD.environmentVersion}
        stateKey="environmentVersion"
        placeholder={trans.__('default')}
        hint={trans.__(
          "The compute's own version (computeConfiguration); the run's packages and image version are under Environment."
        )}
      />
    </Section>
  );
}
export function TimeoutSection(props: ISectionProps): JSX.Element {
  const { trans, state } = props;
  const minutes = Number(state.timeoutMinutes);
  const valid = state.timeoutMinutes.trim() !== '' && Number.isInteger(minutes);
  return (
    <Section title={trans.__('Timeout')}>
      <TextRow
        {...props}
        label={trans.__('Stop the run after (minutes)')}
        id="sagerun-timeout"
        field={FIELD.timeout}
        stateKey="timeoutMinutes"
        hint={
          (valid ? `= ${formatHours(minutes, trans)}. ` : '') +
          trans.__('%1 to %2 minutes.', LIMITS.timeout.min, LIMITS.timeout.max)
        }
        input={{
          type: 'number',
          inputMode: 'numeric',
          min: LIMITS.timeout.min,
          max: LIMITS.timeout.max,
          step: 1
        }}
      />
    </Section>
  );
}

export function NotificationsSection(props: ISectionProps): JSX.Element {
  const { trans, state, errors, update } = props;
  const error = errors[FIELD.notifyOn];
  const toggle = (status: RunStatus, on: boolean) => {
    const next = on
      ? [...state.notifyOn, status]
      : state.notifyOn.filter(s => s !== status);
    // Keep the model's order.
    update({ notifyOn: LIMITS.notifyOn.filter(s => next.includes(s)) }, [
      FIELD.notifyOn
    ]);
  };
  return (
    <Section title={trans.__('Notifications')}>
      <div className="jp-SageRun-hint">
        {trans.__('SageMaker Unified Studio notifies you when the run is:')}
      </div>
      <div className="jp-SageRun-checks">
        {LIMITS.notifyOn.map(status => (
          <label key={status}>
            <input
              type="checkbox"
              data-testid={`sagerun-notify-${status}`}
              checked={state.notifyOn.includes(status)}
              onChange={e => toggle(status, e.target.checked)}
            />
            {statusLabel(status, trans)}
          </label>
        ))}
      </div>
      <FieldErrorMessage field={FIELD.notifyOn} message={error} />
    </Section>
  );
}

export function AdvancedSection(props: ISectionProps): JSX.Element {
  const { trans, state, errors, update } = props;
  return (
    <details className="jp-SageRun-advanced">
      <summary>{trans.__('Advanced')}</summary>
      <TextRow
        {...props}
        label={trans.__('Schedule id')}
        id="sagerun-schedule"
        field={FIELD.scheduleIdentifier}
        stateKey="scheduleIdentifier"
      />
      <FieldRow
        label={trans.__('Trigger source type')}
        htmlFor="sagerun-trigger-type"
        field={FIELD.triggerSourceType}
        error={errors[FIELD.triggerSourceType]}
      >
        <select
          id="sagerun-trigger-type"
          className="jp-mod-styled"
          data-testid="sagerun-trigger-type"
          value={state.triggerSourceType}
          onChange={e =>
            update(
              { triggerSourceType: e.target.value as TriggerSourceType | '' },
              [FIELD.triggerSourceType]
            )
          }
        >
          <option value="">{trans.__('(not set)')}</option>
          {LIMITS.triggerSourceTypes.map(t => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </FieldRow>
      <TextRow
        {...props}
        label={trans.__('Trigger source name')}
        id="sagerun-trigger-name"
        field={FIELD.triggerSourceName}
        stateKey="triggerSourceName"
      />
    </details>
  );
}
