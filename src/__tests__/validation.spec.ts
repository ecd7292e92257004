import raw from '../api/limits.json';
import { LIMITS } from '../api/limits';
import {
  initialState,
  DEFAULT_SETTINGS,
  makeRow,
  RunFormState,
  toRequest
} from '../model/formState';
import {
  arrivesOnlyInEnvironment,
  FIELD,
  isValidClientToken,
  unknownParameterKeys,
  validateForm,
  valueKind
} from '../model/validation';

function state(patch: Partial<RunFormState> = {}): RunFormState {
  return { ...initialState(DEFAULT_SETTINGS), path: 'nb.ipynb', ...patch };
}

const rows = (n: number, key = (i: number) => `k${i}`, value = 'v') =>
  Array.from({ length: n }, (_, i) => makeRow(key(i), value));

describe('limits.json', () => {
  it('carries the model limits the form needs', () => {
    expect(raw.runTimeoutInMinutes).toEqual({
      min: 60,
      max: 1440,
      default: 720
    });
    expect(raw.parameters.maxEntries).toBe(50);
    expect(raw.subnetIds.maxItems).toBe(10);
    expect(raw.securityGroupIds.maxItems).toBe(5);
    expect(LIMITS.notifyOn).toHaveLength(7);
    expect(LIMITS.runStatuses).toHaveLength(7);
  });
});

describe('validateForm', () => {
  it('accepts the defaults', () => {
    expect(validateForm(state())).toEqual({});
  });

  it('checks the instance type against the anchored pattern', () => {
    expect(validateForm(state({ instanceType: 'ml.m5.xlarge' }))).toEqual({});
    expect(validateForm(state({ instanceType: 'sc.g5.2xlarge' }))).toEqual({});
    for (const bad of [
      'm5.xlarge',
      'ml.m5',
      'xml.m5.large',
      'ml.m5.large ',
      'ML.M5.LARGE'
    ]) {
      // Surrounding whitespace is trimmed; the rest must match.
      const errors = validateForm(state({ instanceType: bad }));
      if (bad.trim() === 'ml.m5.large') {
        expect(errors).toEqual({});
      } else {
        expect(errors[FIELD.instanceType]).toMatch(/instance type/);
      }
    }
  });

  it('checks the timeout bounds from the model', () => {
    const { min, max } = LIMITS.timeout;
    expect(validateForm(state({ timeoutMinutes: String(min) }))).toEqual({});
    expect(validateForm(state({ timeoutMinutes: String(max) }))).toEqual({});
    expect(
      validateForm(state({ timeoutMinutes: String(min - 1) }))[FIELD.timeout]
    ).toBe('The timeout is 60 to 1440 minutes.');
    expect(
      validateForm(state({ timeoutMinutes: String(max + 1) }))[FIELD.timeout]
    ).toBeTruthy();
    expect(validateForm(state({ timeoutMinutes: '90.5' }))[FIELD.timeout]).toBe(
      'Enter whole minutes.'
    );
    expect(
      validateForm(state({ timeoutMinutes: 'abc' }))[FIELD.timeout]
    ).toBeTruthy();
  });

  it('limits parameters: count, key length, value length, duplicates, missing key', () => {
    const max = LIMITS.parameters.maxEntries;
    expect(validateForm(state({ parameters: rows(max) }))).toEqual({});
    expect(validateForm(state({ parameters: rows(max + 1) })).parameters).toBe(
      `At most ${max} entries (${max + 1} now).`
    );
    const longKey = 'k'.repeat(LIMITS.parameters.keyMax + 1);
    expect(
      validateForm(state({ parameters: [makeRow(longKey, '1')] }))[
        `parameters.${longKey}`
      ]
    ).toMatch(/at most 128/);
    expect(
      validateForm(state({ parameters: [makeRow('k'.repeat(128), '1')] }))
    ).toEqual({});
    const longValue = 'v'.repeat(LIMITS.parameters.valueMax + 1);
    expect(
      validateForm(state({ parameters: [makeRow('a', longValue)] }))[
        'parameters.a'
      ]
    ).toMatch(/at most 1024/);
    expect(
      validateForm(state({ parameters: [makeRow('a', 'v'.repeat(1024))] }))
    ).toEqual({});
    const dup = validateForm(
      state({ parameters: [makeRow('a', '1'), makeRow(' a ', '2')] })
    );
    expect(dup['parameters[1]']).toBe('The key "a" is used twice.');
    expect(
      validateForm(state({ parameters: [makeRow('', 'x')] }))['parameters[0]']
    ).toBe('A key is required.');
    // An empty row is ignored, not an error.
    expect(validateForm(state({ parameters: [makeRow('', '')] }))).toEqual({});
  });

  it('limits metadata the same way', () => {
    const max = LIMITS.metadata.maxEntries;
    expect(
      validateForm(state({ metadata: rows(max + 1) })).metadata
    ).toBeTruthy();
    expect(
      validateForm(state({ metadata: [makeRow('m', 'x'.repeat(1025))] }))[
        'metadata.m'
      ]
    ).toBeTruthy();
  });

  it('needs a VPC id for VPC only and limits subnets and security groups', () => {
    const vpc = { networkAccessType: 'VPC_ONLY' as const };
    expect(validateForm(state(vpc))[FIELD.vpcId]).toBe(
      'VPC only needs a VPC id.'
    );
    const subnets = Array.from(
      { length: LIMITS.subnetIdsMax + 1 },
      (_, i) => `subnet-${i}`
    );
    const groups = Array.from(
      { length: LIMITS.securityGroupIdsMax + 1 },
      (_, i) => `sg-${i}`
    );
    const errors = validateForm(
      state({
        ...vpc,
        vpcId: 'vpc-1',
        subnetIds: subnets.join(', '),
        securityGroupIds: groups.join(' ')
      })
    );
    expect(errors[FIELD.subnetIds]).toBe('At most 10 subnets (11 now).');
    expect(errors[FIELD.securityGroupIds]).toBe(
      'At most 5 security groups (6 now).'
    );
    expect(
      validateForm(
        state({
          ...vpc,
          vpcId: 'vpc-1',
          subnetIds: subnets.slice(1).join(','),
          securityGroupIds: groups.slice(1).join(',')
        })
      )
    ).toEqual({});
    // Public internet ignores the VPC fields.
    expect(validateForm(state({ subnetIds: subnets.join(',') }))).toEqual({});
  });

  it('checks the schedule id pattern, trigger type enum and notifyOn enum', () => {
    expect(validateForm(state({ scheduleIdentifier: 'sched_1-a' }))).toEqual(
      {}
    );
    expect(
      validateForm(state({ scheduleIdentifier: 'bad id!' }))[
        FIELD.scheduleIdentifier
      ]
    ).toBeTruthy();
    expect(
      validateForm(state({ scheduleIdentifier: 'x'.repeat(37) }))[
        FIELD.scheduleIdentifier
      ]
    ).toBeTruthy();
    expect(
      validateForm(state({ triggerSourceType: 'CRON' as any }))[
        FIELD.triggerSourceType
      ]
    ).toBeTruthy();
    expect(validateForm(state({ triggerSourceType: 'WORKFLOW' }))).toEqual({});
    expect(
      validateForm(state({ notifyOn: ['DONE' as any] }))[FIELD.notifyOn]
    ).toBeTruthy();
    expect(validateForm(state({ notifyOn: [...LIMITS.notifyOn] }))).toEqual({});
  });

  it('needs a valid notebook id when running an existing SMUS notebook', () => {
    expect(
      validateForm(state({ target: 'notebookId' }))[FIELD.notebookId]
    ).toBe('Pick a notebook.');
    expect(
      validateForm(state({ target: 'notebookId', notebookId: 'a/b' }))[
        FIELD.notebookId
      ]
    ).toBeTruthy();
    expect(
      validateForm(state({ target: 'notebookId', notebookId: 'nb_123' }))
    ).toEqual({});
  });

  it('validates client tokens like the model', () => {
    expect(isValidClientToken('4d3c3b0e-6c1f-4a59-9a43-2a6a8b3f1c11')).toBe(
      true
    );
    expect(isValidClientToken('')).toBe(false);
    expect(isValidClientToken('has space')).toBe(false);
    expect(isValidClientToken('x'.repeat(128))).toBe(true);
    expect(isValidClientToken('x'.repeat(129))).toBe(false);
  });
});

describe('toRequest', () => {
  it('trims, leaves out empty fields and sends values as text', () => {
    const request = toRequest(
      state({
        instanceType: ' ml.m5.large ',
        timeoutMinutes: '90',
        parameters: [makeRow(' alpha ', ' 3 '), makeRow('', '')],
        notifyOn: ['FAILED']
      }),
      { clientToken: 't' }
    );
    expect(request).toEqual({
      path: 'nb.ipynb',
      clientToken: 't',
      computeConfiguration: { instanceType: 'ml.m5.large' },
      networkConfiguration: { networkAccessType: 'PUBLIC_INTERNET_ONLY' },
      timeoutConfiguration: { runTimeoutInMinutes: 90 },
      parameters: { alpha: '3' },
      notificationConfiguration: { notifyOn: ['FAILED'] },
      environmentConfiguration: {
        packageConfig: { packageManager: 'UV', packageSpecification: '' }
      }
    });
  });
});

describe('parameter hints', () => {
  it('warns for keys the parameters cell does not define', () => {
    const keys = unknownParameterKeys(
      [makeRow('alpha'), makeRow('beta')],
      ['alpha']
    );
    expect(Array.from(keys)).toEqual(['beta']);
    expect(unknownParameterKeys([makeRow('beta')], null).size).toBe(0);
  });

  it('says which names reach the notebook only through the environment', () => {
    expect(arrivesOnlyInEnvironment('my-param')).toBe(true);
    expect(arrivesOnlyInEnvironment('2x')).toBe(true);
    expect(arrivesOnlyInEnvironment('class')).toBe(true);
    expect(arrivesOnlyInEnvironment('alpha_1')).toBe(false);
    expect(arrivesOnlyInEnvironment('  ')).toBe(false);
    expect(arrivesOnlyInEnvironment('é')).toBe(false);
  });

  it('says how the notebook reads a value', () => {
    expect(valueKind('3')).toBe('json');
    expect(valueKind('{"a": 1}')).toBe('json');
    expect(valueKind('world')).toBe('text');
  });
});
