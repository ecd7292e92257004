import * as React from 'react';

import { LIMITS } from '../api/limits';
import type { RunContext } from '../api/types';
import { FIELD } from '../model/validation';
import { Section } from './Field';
import { IdListRow, ISectionProps, TextRow } from './TextRow';

/** Public internet or VPC only; for a VPC, its id, subnets and security groups. */
export function NetworkSection(
  props: ISectionProps & { context: RunContext | null }
): JSX.Element {
  const { trans, state, update } = props;
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
          <TextRow
            {...props}
            label={trans.__('VPC id')}
            id="sagerun-vpc-id"
            field={FIELD.vpcId}
            stateKey="vpcId"
            placeholder="vpc-0123456789abcdef0"
          />
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
