import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';

import { LIMITS } from '../api/limits';
import type { KeyValueRow, RunFormState } from './formState';
import { effectiveValue, splitList } from './formState';
import { validateEnvironment } from './environment';

/** Field path → message. Paths follow the server's (`parameters.alpha`). */
export type FieldErrors = { [path: string]: string };

export const FIELD = {
  notebookId: 'notebookId',
  instanceType: 'computeConfiguration.instanceType',
  environmentVersion: 'computeConfiguration.environmentVersion',
  networkAccessType: 'networkConfiguration.networkAccessType',
  vpcId: 'networkConfiguration.vpcId',
  subnetIds: 'networkConfiguration.subnetIds',
  securityGroupIds: 'networkConfiguration.securityGroupIds',
  timeout: 'timeoutConfiguration.runTimeoutInMinutes',
  parameters: 'parameters',
  metadata: 'metadata',
  notifyOn: 'notificationConfiguration.notifyOn',
  scheduleIdentifier: 'scheduleIdentifier',
  triggerSourceType: 'triggerSource.type',
  triggerSourceName: 'triggerSource.name'
} as const;

/**
 * The path of one key/value row: `parameters.<key>` like the server's, or
 * `parameters[<i>]` while the key is empty or repeats an earlier row's.
 */
export function rowPaths(
  section: 'parameters' | 'metadata',
  rows: KeyValueRow[]
): string[] {
  const seen = new Set<string>();
  return rows.map((row, i) => {
    const key = row.key.trim();
    if (!key || seen.has(key)) {
      return `${section}[${i}]`;
    }
    seen.add(key);
    return `${section}.${key}`;
  });
}

function defaultTrans(): TranslationBundle {
  return nullTranslator.load('jupyter_sagerun');
}

function validateRows(
  section: 'parameters' | 'metadata',
  rows: KeyValueRow[],
  limits: { maxEntries: number; keyMax: number; valueMax: number },
  trans: TranslationBundle,
  errors: FieldErrors
): void {
  const paths = rowPaths(section, rows);
  const used = rows.filter(r => r.key.trim() || r.value.trim()).length;
  if (used > limits.maxEntries) {
    errors[section] = trans.__(
      'At most %1 entries (%2 now).',
      limits.maxEntries,
      used
    );
  }
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const key = row.key.trim();
    const value = effectiveValue(row);
    let message = '';
    if (!key) {
      if (value) {
        message = trans.__('A key is required.');
      }
    } else if (key.length > limits.keyMax) {
      message = trans.__(
        'Keys have at most %1 characters (%2 now).',
        limits.keyMax,
        key.length
      );
    } else if (seen.has(key)) {
      message = trans.__('The key "%1" is used twice.', key);
    } else if (value.length > limits.valueMax) {
      message = trans.__(
        'Values have at most %1 characters (%2 now).',
        limits.valueMax,
        value.length
      );
    }
    if (key) {
      seen.add(key);
    }
    if (message) {
      errors[paths[i]] = message;
    }
  });
}

/** Check every limit of the form; an empty object means it can be sent. */
export function validateForm(
  state: RunFormState,
  trans: TranslationBundle = defaultTrans()
): FieldErrors {
  const errors: FieldErrors = {};

  if (state.target === 'notebookId') {
    const id = state.notebookId.trim();
    if (!id) {
      errors[FIELD.notebookId] = trans.__('Pick a notebook.');
    } else if (!LIMITS.notebookIdentifier.test(id)) {
      errors[FIELD.notebookId] = trans.__(
        'A notebook id has 1 to 36 letters, digits, "-" or "_".'
      );
    }
  }

  const instanceType = state.instanceType.trim();
  if (instanceType && !LIMITS.instanceType.test(instanceType)) {
    errors[FIELD.instanceType] = trans.__(
      'Not an instance type: expected something like ml.m5.xlarge (pattern %1).',
      LIMITS.instanceType.source
    );
  }

  if (!LIMITS.networkAccessTypes.includes(state.networkAccessType)) {
    errors[FIELD.networkAccessType] = trans.__(
      'Choose one of %1.',
      LIMITS.networkAccessTypes.join(', ')
    );
  }
  if (state.networkAccessType === 'VPC_ONLY') {
    if (!state.vpcId.trim()) {
      errors[FIELD.vpcId] = trans.__('VPC only needs a VPC id.');
    }
    const subnets = splitList(state.subnetIds);
    if (subnets.length > LIMITS.subnetIdsMax) {
      errors[FIELD.subnetIds] = trans.__(
        'At most %1 subnets (%2 now).',
        LIMITS.subnetIdsMax,
        subnets.length
      );
    }
    const groups = splitList(state.securityGroupIds);
    if (groups.length > LIMITS.securityGroupIdsMax) {
      errors[FIELD.securityGroupIds] = trans.__(
        'At most %1 security groups (%2 now).',
        LIMITS.securityGroupIdsMax,
        groups.length
      );
    }
  }

  const timeout = state.timeoutMinutes.trim();
  if (timeout) {
    const minutes = Number(timeout);
    if (!/^\d+$/.test(timeout) || !Number.isInteger(minutes)) {
      errors[FIELD.timeout] = trans.__('Enter whole minutes.');
    } else if (minutes < LIMITS.timeout.min || minutes > LIMITS.timeout.max) {
      errors[FIELD.timeout] = trans.__(
        'The timeout is %1 to %2 minutes.',
        LIMITS.timeout.min,
        LIMITS.timeout.max
      );
    }
  }

  validateRows(
    'parameters',
    state.parameters,
    LIMITS.parameters,
    trans,
    errors
  );
  validateRows('metadata', state.metadata, LIMITS.metadata, trans, errors);

  const unknown = state.notifyOn.filter(s => !LIMITS.notifyOn.includes(s));
  if (unknown.length) {
    errors[FIELD.notifyOn] = trans.__('Unknown states: %1', unknown.join(', '));
  }

  const schedule = state.scheduleIdentifier.trim();
  if (schedule && !LIMITS.scheduleIdentifier.test(schedule)) {
    errors[FIELD.scheduleIdentifier] = trans.__(
      'A schedule id has 1 to 36 letters, digits, "-" or "_".'
    );
  }

  if (
    state.triggerSourceType &&
    !LIMITS.triggerSourceTypes.includes(state.triggerSourceType)
  ) {
    errors[FIELD.triggerSourceType] = trans.__(
      'Choose one of %1.',
      LIMITS.triggerSourceTypes.join(', ')
    );
  }
  Object.assign(errors, validateEnvironment(state, trans));
  return errors;
}

/** Whether a client token is acceptable to StartNotebookRun. */
export function isValidClientToken(token: string): boolean {
  return (
    token.length >= LIMITS.clientToken.min &&
    token.length <= LIMITS.clientToken.max &&
    LIMITS.clientToken.pattern.test(token)
  );
}

/**
 * Keys the notebook's parameters cell does not define (a warning, not an
 * error: papermill injects them anyway).
 */
export function unknownParameterKeys(
  rows: KeyValueRow[],
  cellNames: string[] | null
): Set<string> {
  if (!cellNames) {
    return new Set();
  }
  const defined = new Set(cellNames);
  return new Set(rows.map(r => r.key.trim()).filter(k => k && !defined.has(k)));
}

// Python's keywords: a parameter of such a name cannot be a variable either.
const PYTHON_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del ' +
    'elif else except finally for from global if import in is lambda nonlocal ' +
    'not or pass raise return try while with yield'
  ).split(' ')
);
const PYTHON_NAME = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;

/**
 * Whether a parameter reaches the notebook only as the environment variable
 * `SAGEMAKER_NOTEBOOK_PARAMETER_<name>` (a hint, not an error): a name that is
 * not a Python identifier (`my-param`) cannot be a variable of the injected
 * parameters cell.
 */
export function arrivesOnlyInEnvironment(name: string): boolean {
  const key = name.trim();
  return key !== '' && (!PYTHON_NAME.test(key) || PYTHON_KEYWORDS.has(key));
}

/** How the notebook will read a value: JSON where it parses, else text. */
export function valueKind(value: string): 'json' | 'text' {
  const v = value.trim();
  if (!v) {
    return 'text';
  }
  try {
    JSON.parse(v);
    return 'json';
  } catch {
    return 'text';
  }
}
