import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { RunFormState } from '../model/formState';
import { splitList } from '../model/formState';
import type { FieldErrors } from '../model/validation';
import { describedBy, FieldRow } from './Field';

/** What every section of the run form gets: the state, its errors, and update. */
export interface ISectionProps {
  trans: TranslationBundle;
  state: RunFormState;
  errors: FieldErrors;
  update: (patch: Partial<RunFormState>, fields: string[]) => void;
}

/** The state fields a text input edits as typed. */
type TextKey =
  | 'instanceType'
  | 'environmentVersion'
  | 'vpcId'
  | 'subnetIds'
  | 'securityGroupIds'
  | 'timeoutMinutes'
  | 'scheduleIdentifier'
  | 'triggerSourceName';

/**
 * A labelled text input bound to one state field: its id is also its data-testid,
 * its message and hint are wired for screen readers. `input` adds attributes
 * (type, bounds, a datalist); `children` come after the input.
 */
export function TextRow(
  props: ISectionProps & {
    label: string;
    id: string;
    field: string;
    stateKey: TextKey;
    placeholder?: string;
    hint?: React.ReactNode;
    input?: React.InputHTMLAttributes<HTMLInputElement>;
    children?: React.ReactNode;
  }
): JSX.Element {
  const { state, errors, update, id, field, stateKey } = props;
  return (
    <FieldRow
      label={props.label}
      htmlFor={id}
      field={field}
      error={errors[field]}
      hint={props.hint}
    >
      <input
        id={id}
        className="jp-mod-styled"
        data-testid={id}
        placeholder={props.placeholder}
        spellCheck={false}
        {...props.input}
        value={state[stateKey]}
        {...describedBy(id, errors[field], props.hint !== undefined)}
        onChange={e => update({ [stateKey]: e.target.value }, [field])}
      />
      {props.children}
    </FieldRow>
  );
}

/** A comma-separated list of ids (subnets, security groups) with its count. */
export function IdListRow(
  props: ISectionProps & {
    label: string;
    testId: string;
    field: string;
    stateKey: 'subnetIds' | 'securityGroupIds';
    max: number;
    placeholder: string;
  }
): JSX.Element {
  const { trans, state, testId, ...rest } = props;
  return (
    <TextRow
      {...rest}
      trans={trans}
      state={state}
      id={testId}
      hint={trans.__(
        '%1 of at most %2, separated by commas',
        splitList(state[props.stateKey]).length,
        props.max
      )}
    />
  );
}
