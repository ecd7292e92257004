import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import { LIMITS } from '../api/limits';
import type { RunContext, RunStatus, TriggerSourceType } from '../api/types';
import type { RunFormState } from '../model/formState';
import { splitList } from '../model/formState';
import { FIELD, FieldErrors } from '../model/validation';
import { describedBy, FieldErrorMessage, FieldRow, Section } from './Field';
import { statusLabel } from './StatusBadge';

export interface ISectionProps {
  trans: TranslationBundle;
  state: RunFormState;
  errors: FieldErrors;
  update: (patch: Partial<RunFormState>, fields: string[]) => void;
}

export function ComputeSection(
  props: ISectionProps & { suggestions: string[] }
): JSX.Element {
  const { trans, state, errors, update } = props;
  return (
    <Section title={trans.__('Compute')}>
      <FieldRow
        label={trans.__('Instance type')}
        htmlFor="sagerun-instance-type"
        field={FIELD.instanceType}
        error={errors[FIELD.instanceType]}
        hint={trans.__(
          'Pick a suggestion or type one; empty lets the service choose.'
        )}
      >
        <input
          id="sagerun-instance-type"
          className="jp-mod-styled"
          data-testid="sagerun-instance-type"
          autoFocus
          list="sagerun-instance-type-suggestions"
          placeholder="ml.m5.xlarge"
          spellCheck={false}
          value={state.instanceType}
          {...describedBy(
            'sagerun-instance-type',
            errors[FIELD.instanceType],
            true
          )}
          onChange={e =>
            update({ instanceType: e.target.value }, [FIELD.instanceType])
          }
        />
        <datalist id="sagerun-instance-type-suggestions">
          {props.suggestions.map(s => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </FieldRow>
      <FieldRow
        label={trans.__('Environment version')}
        htmlFor="sagerun-environment-version"
        field={FIELD.environmentVersion}
        error={errors[FIELD.environmentVersion]}
      >
        <input
          id="sagerun-environment-version"
          className="jp-mod-styled"
          data-testid="sagerun-environment-version"
          placeholder={trans.__('default')}
          spellCheck={false}
          value={state.environmentVersion}
          {...describedBy(
            'sagerun-environment-version',
            errors[FIELD.environmentVersion]
          )}
          onChange={e =>
            update({ environmentVersion: e.target.value }, [
              FIELD.environmentVersion
            ])
          }
        />
      </FieldRow>
    </Section>
  );
}

/** A comma-separated list of ids (subnets, security groups) with its count. */
function IdListRow(
  props: ISectionProps & {
    label: string;
    testId: string;
    field: string;
    stateKey: 'subnetIds' | 'securityGroupIds';
    max: number;
    placeholder: string;
  }
): JSX.Element {
  const { trans, state, errors, update, label, testId, field, stateKey } =
    props;
  const value = state[stateKey];
  return (
    <FieldRow
      label={label}
      htmlFor={testId}
      field={field}
      error={errors[field]}
      hint={trans.__(
        '%1 of at most %2, separated by commas',
        splitList(value).length,
        props.max
      )}
    >
      <input
        id={testId}
        className="jp-mod-styled"
        data-testid={testId}
        placeholder={props.placeholder}
        spellCheck={false}
        value={value}
        {...describedBy(testId, errors[field], true)}
        onChange={e => update({ [stateKey]: e.target.value }, [field])}
      />
    </FieldRow>
  );
}

export function NetworkSection(
  props: ISectionProps & { context: RunContext | null }
): JSX.Element {
  const { trans, state, errors, update } = props;
  const vpc = state.networkAccessType === 'VPC_ONLY';
  return (
    <Section title={trans.__('Network')}>
      <div
        className="jp-SageRun-radios"
        role="radiogroup"
        aria-label={trans.__('Network access')}
      >
        <label>
          <input
            type="radio"
            name="sagerun-network"
            data-testid="sagerun-network-public"
            checked={!vpc}
            onChange={() =>
              update({ networkAccessType: 'PUBLIC_INTERNET_ONLY' }, [
                FIELD.networkAccessType
              ])
            }
          />
          {trans.__('Public internet only')}
        </label>
        <label>
          <input
            type="radio"
            name="sagerun-network"
            data-testid="sagerun-network-vpc"
            checked={vpc}
            onChange={() =>
              update({ networkAccessType: 'VPC_ONLY' }, [
                FIELD.networkAccessType
              ])
            }
          />
          {trans.__('VPC only')}
        </label>
      </div>
      {vpc ? (
        <>
          <FieldRow
            label={trans.__('VPC id')}
            htmlFor="sagerun-vpc-id"
            field={FIELD.vpcId}
            error={errors[FIELD.vpcId]}
          >
            <input
              id="sagerun-vpc-id"
              className="jp-mod-styled"
              data-testid="sagerun-vpc-id"
              placeholder="vpc-0123456789abcdef0"
              spellCheck={false}
              value={state.vpcId}
              {...describedBy('sagerun-vpc-id', errors[FIELD.vpcId])}
              onChange={e => update({ vpcId: e.target.value }, [FIELD.vpcId])}
            />
          </FieldRow>
          <IdListRow
            {...props}
            label={trans.__('Subnets')}
            testId="sagerun-subnets"
            field={FIELD.subnetIds}
            stateKey="subnetIds"
            max={LIMITS.subnetIdsMax}
            placeholder="subnet-…, subnet-…"
          />
          <IdListRow
            {...props}
            label={trans.__('Security groups')}
            testId="sagerun-security-groups"
            field={FIELD.securityGroupIds}
            stateKey="securityGroupIds"
            max={LIMITS.securityGroupIdsMax}
            placeholder="sg-…"
          />
        </>
      ) : null}
    </Section>
  );
}

export function formatHours(minutes: number, trans: TranslationBundle): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? trans.__('%1 h %2 min', h, m) : trans.__('%1 h', h);
}

export function TimeoutSection(props: ISectionProps): JSX.Element {
  const { trans, state, errors, update } = props;
  const minutes = Number(state.timeoutMinutes);
  const valid = state.timeoutMinutes.trim() !== '' && Number.isInteger(minutes);
  return (
    <Section title={trans.__('Timeout')}>
      <FieldRow
        label={trans.__('Stop the run after (minutes)')}
        htmlFor="sagerun-timeout"
        field={FIELD.timeout}
        error={errors[FIELD.timeout]}
        hint={
          (valid ? `= ${formatHours(minutes, trans)}. ` : '') +
          trans.__('%1 to %2 minutes.', LIMITS.timeout.min, LIMITS.timeout.max)
        }
      >
        <input
          id="sagerun-timeout"
          className="jp-mod-styled"
          data-testid="sagerun-timeout"
          type="number"
          inputMode="numeric"
          min={LIMITS.timeout.min}
          max={LIMITS.timeout.max}
          step={1}
          value={state.timeoutMinutes}
          {...describedBy('sagerun-timeout', errors[FIELD.timeout], true)}
          onChange={e =>
            update({ timeoutMinutes: e.target.value }, [FIELD.timeout])
          }
        />
      </FieldRow>
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
      <FieldRow
        label={trans.__('Schedule id')}
        htmlFor="sagerun-schedule"
        field={FIELD.scheduleIdentifier}
        error={errors[FIELD.scheduleIdentifier]}
      >
        <input
          id="sagerun-schedule"
          className="jp-mod-styled"
          data-testid="sagerun-schedule"
          spellCheck={false}
          value={state.scheduleIdentifier}
          {...describedBy('sagerun-schedule', errors[FIELD.scheduleIdentifier])}
          onChange={e =>
            update({ scheduleIdentifier: e.target.value }, [
              FIELD.scheduleIdentifier
            ])
          }
        />
      </FieldRow>
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
      <FieldRow
        label={trans.__('Trigger source name')}
        htmlFor="sagerun-trigger-name"
        field={FIELD.triggerSourceName}
        error={errors[FIELD.triggerSourceName]}
      >
        <input
          id="sagerun-trigger-name"
          className="jp-mod-styled"
          data-testid="sagerun-trigger-name"
          value={state.triggerSourceName}
          onChange={e =>
            update({ triggerSourceName: e.target.value }, [
              FIELD.triggerSourceName
            ])
          }
        />
      </FieldRow>
    </details>
  );
}
