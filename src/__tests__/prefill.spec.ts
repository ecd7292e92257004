import { nullTranslator } from '@jupyterlab/translation';

import { SageRunApiError } from '../api/errors';
import type { Run } from '../api/types';
import { DEFAULT_SETTINGS, FormSettings, rowsToMap } from '../model/formState';
import { IPrefillInputs, prefill } from '../model/prefill';
import { localContext } from './fixtures';

const trans = nullTranslator.load('jupyter_sagerun');

const notebook = (source = 'alpha = 1\nbeta = "x"') => ({
  metadata: { kernelspec: { name: 'python3' } },
  cells: [{ cell_type: 'code', metadata: { tags: ['parameters'] }, source }]
});

const run = (patch: Partial<Run> = {}): Run =>
  ({
    id: 'run-1',
    status: 'SUCCEEDED',
    domainId: 'dzd_local',
    owningProjectId: 'local',
    notebookId: 'nb-1',
    createdAt: '',
    ...patch
  }) as Run;

const ok = <T>(value: T): PromiseFulfilledResult<T> => ({
  status: 'fulfilled',
  value
});
const failed = (reason: unknown): PromiseRejectedResult => ({
  status: 'rejected',
  reason
});

const inputs = (patch: Partial<IPrefillInputs> = {}): IPrefillInputs => ({
  settings: DEFAULT_SETTINGS,
  path: 'dir/nb.ipynb',
  context: ok(localContext()),
  notebook: ok(notebook()),
  lastRun: null,
  requirements: null,
  ...patch
});

const params = (rows: { key: string; value: string }[]) =>
  rows.map(r => [r.key, r.value]);

describe('prefill', () => {
  it('starts from the settings and the parameters cell, with no checks', () => {
    const settings: FormSettings = {
      ...DEFAULT_SETTINGS,
      defaultInstanceType: 'ml.m5.large',
      defaultTimeoutMinutes: 90
    };
    const p = prefill(inputs({ settings }), trans);
    expect(p.checks).toEqual([]);
    expect(p.contextError).toBeNull();
    expect(p.initial.path).toBe('dir/nb.ipynb');
    expect(p.initial.target).toBe('path');
    expect(p.initial.instanceType).toBe('ml.m5.large');
    expect(p.initial.timeoutMinutes).toBe('90');
    // The cell's values are the notebook's defaults: placeholders, no typed values.
    expect(params(p.initial.parameters)).toEqual([
      ['alpha', ''],
      ['beta', '']
    ]);
    expect(p.initial.parameters.map(r => r.notebookDefault)).toEqual([
      '1',
      'x'
    ]);
    // Left empty, each sends the notebook's default, as before.
    expect(rowsToMap(p.initial.parameters)).toEqual({ alpha: '1', beta: 'x' });
    expect(p.cell.found).toBe(true);
    expect(p.packagesSource).toBeNull();
    expect(p.requirementsPath).toBeNull();
  });

  it('applies the default preset without its parameter names', () => {
    const settings: FormSettings = {
      ...DEFAULT_SETTINGS,
      defaultPreset: 'big',
      presets: [
        {
          name: 'big',
          instanceType: 'ml.m5.4xlarge',
          parameterNames: ['gamma']
        },
        { name: 'small', instanceType: 'ml.t3.medium' }
      ]
    };
    const p = prefill(inputs({ settings }), trans);
    expect(p.initial.instanceType).toBe('ml.m5.4xlarge');
    expect(p.initial.parameters.map(r => r.key)).toEqual(['alpha', 'beta']);
  });

  it('takes the last run over the preset, and says its packages came from it', () => {
    const settings: FormSettings = {
      ...DEFAULT_SETTINGS,
      defaultPreset: 'big',
      presets: [{ name: 'big', instanceType: 'ml.m5.4xlarge' }]
    };
    const lastRun = run({
      computeConfiguration: { instanceType: 'ml.g5.xlarge' },
      environmentConfiguration: {
        packageConfig: { packageManager: 'UV', packageSpecification: 'numpy\n' }
      }
    });
    const p = prefill(inputs({ settings, lastRun }), trans);
    expect(p.initial.instanceType).toBe('ml.g5.xlarge');
    expect(p.initial.packages).toBe('numpy\n');
    expect(p.packagesSource).toBe('lastRun');
  });

  it('takes requirements.txt over the last run, except on a re-run', () => {
    const lastRun = run({
      environmentConfiguration: {
        packageConfig: { packageManager: 'UV', packageSpecification: 'numpy\n' }
      }
    });
    const p = prefill(inputs({ lastRun, requirements: 'pandas\n' }), trans);
    expect(p.initial.packages).toBe('pandas\n');
    expect(p.packagesSource).toBe('requirements');
    expect(p.requirementsPath).toBe('dir/requirements.txt');

    const rerun = run({
      environmentConfiguration: {
        packageConfig: { packageManager: 'UV', packageSpecification: 'scipy\n' }
      },
      parameters: { alpha: '42' }
    });
    const again = prefill(inputs({ rerun, requirements: 'pandas\n' }), trans);
    expect(again.initial.packages).toBe('scipy\n');
    expect(again.packagesSource).toBeNull();
  });

  it("re-runs with the run's parameters, and of its SMUS notebook when there is no path", () => {
    const rerun = run({
      computeConfiguration: { instanceType: 'ml.c5.xlarge' },
      parameters: { alpha: '42', gamma: 'g' }
    });
    const p = prefill(inputs({ rerun }), trans);
    expect(p.initial.instanceType).toBe('ml.c5.xlarge');
    expect(params(p.initial.parameters)).toEqual([
      ['alpha', '42'],
      ['gamma', 'g']
    ]);
    expect(p.initial.target).toBe('path');

    const smus = prefill(inputs({ rerun, path: '', notebook: null }), trans);
    expect(smus.initial.target).toBe('notebookId');
    expect(smus.initial.notebookId).toBe('nb-1');
    expect(smus.checks).toEqual([]);
  });

  it('fills subnets and security groups from the context unless something set them', () => {
    const vpc = localContext({
      vpc: { subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-1'] }
    });
    const p = prefill(inputs({ context: ok(vpc) }), trans);
    expect(p.initial.subnetIds).toBe('subnet-a, subnet-b');
    expect(p.initial.securityGroupIds).toBe('sg-1');
    expect(p.initial.vpcId).toBe('');

    const lastRun = run({
      networkConfiguration: {
        networkAccessType: 'VPC_ONLY',
        vpcId: 'vpc-1',
        subnetIds: ['subnet-z'],
        securityGroupIds: []
      }
    });
    const kept = prefill(inputs({ context: ok(vpc), lastRun }), trans);
    expect(kept.initial.subnetIds).toBe('subnet-z');
    expect(kept.initial.securityGroupIds).toBe('sg-1');
    expect(kept.initial.vpcId).toBe('vpc-1');
  });

  it('blocks the run when the context is unknown or names no domain or project', () => {
    const unknown = prefill(
      inputs({
        context: failed(
          new SageRunApiError({
            status: 503,
            code: 'X',
            message: 'backend down'
          })
        )
      }),
      trans
    );
    expect(unknown.context).toBeNull();
    expect(unknown.contextError).toBe('backend down');
    expect(unknown.checks).toEqual([
      {
        severity: 'error',
        message: 'Where the run would go is unknown: backend down'
      }
    ]);

    const unset = prefill(
      inputs({ context: ok(localContext({ domainId: '', projectId: '' })) }),
      trans
    );
    expect(unset.checks).toHaveLength(1);
    expect(unset.checks[0].severity).toBe('error');
    expect(unset.checks[0].message).toContain('No domain and project');
  });

  it('blocks a workspace run of a notebook it cannot read or that has no kernelspec', () => {
    const unreadable = prefill(
      inputs({ notebook: failed(new Error('gone')) }),
      trans
    );
    expect(unreadable.checks).toEqual([
      {
        severity: 'error',
        pathOnly: true,
        message: 'Could not read dir/nb.ipynb: gone'
      }
    ]);
    expect(unreadable.cell.found).toBe(false);
    expect(unreadable.initial.parameters).toEqual([]);

    const bare = prefill(
      inputs({ notebook: ok({ metadata: {}, cells: [] }) }),
      trans
    );
    expect(bare.checks).toHaveLength(1);
    expect(bare.checks[0].pathOnly).toBe(true);
    expect(bare.checks[0].message).toContain('no kernelspec');
  });
});
