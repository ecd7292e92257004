import * as React from 'react';
import { act } from 'react';
import type { Root } from 'react-dom/client';

import { nullTranslator } from '@jupyterlab/translation';

import { RunForm, IRunFormProps } from '../components/RunForm';
import {
  DEFAULT_SETTINGS,
  initialState,
  makeRow,
  RunFormState
} from '../model/formState';
import { SageRunApiError } from '../api/errors';
import { localContext, setInput, mountHost, unmountHost } from './fixtures';

// React 18's act() needs to know it runs in a test.
(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

const trans = nullTranslator.load('jupyter_sagerun');

describe('RunForm', () => {
  let host: HTMLDivElement;
  let root: Root;
  let submitted: RunFormState[];
  let failWith: SageRunApiError | null;

  const render = (patch: Partial<IRunFormProps> = {}) => {
    const initial = {
      ...initialState(DEFAULT_SETTINGS),
      path: 'nb.ipynb',
      parameters: [makeRow('alpha', '1')]
    };
    const props: IRunFormProps = {
      trans,
      context: localContext(),
      contextError: null,
      notebookPath: 'nb.ipynb',
      initial,
      suggestions: ['ml.m5.large'],
      presets: [],
      cellNames: ['alpha'],
      checks: [],
      dirty: false,
      loadNotebooks: async () => [],
      onSubmit: async state => {
        submitted.push(state);
        if (failWith) {
          throw failWith;
        }
      },
      onCancel: () => undefined,
      onSavePreset: async () => undefined,
      environment: {
        source: null,
        requirementsPath: null,
        loadRequirements: async () => null
      },
      ...patch
    };
    act(() => root.render(<RunForm {...props} />));
  };
  const q = (testid: string) =>
    host.querySelector(`[data-testid="${testid}"]`) as HTMLInputElement;
  const fieldError = (field: string) =>
    host.querySelector(
      `[data-testid="sagerun-field-error"][data-field="${field}"]`
    );

  beforeEach(() => {
    ({ host, root } = mountHost());
    submitted = [];
    failWith = null;
  });
  afterEach(() => unmountHost(host, root));

  it('shows the message at the field and disables submit while invalid', () => {
    render();
    expect(q('sagerun-submit').disabled).toBe(false);
    act(() => setInput(q('sagerun-timeout'), '59'));
    expect(
      fieldError('timeoutConfiguration.runTimeoutInMinutes')?.textContent
    ).toBe('The timeout is 60 to 1440 minutes.');
    expect(q('sagerun-submit').disabled).toBe(true);
    act(() => setInput(q('sagerun-timeout'), '60'));
    expect(fieldError('timeoutConfiguration.runTimeoutInMinutes')).toBeNull();
    expect(q('sagerun-submit').disabled).toBe(false);
  });

  it('masks parameter values until revealed and warns for unknown keys', () => {
    render();
    expect(q('sagerun-param-value-0').type).toBe('password');
    act(() => q('sagerun-param-reveal-0').click());
    expect(q('sagerun-param-value-0').type).toBe('text');
    act(() => q('sagerun-param-add').click());
    act(() => setInput(q('sagerun-param-key-1'), 'beta'));
    expect(host.textContent).toContain(
      'The parameters cell does not define this name.'
    );
    expect(
      host.querySelector('[data-testid="sagerun-param-envonly-1"]')
    ).toBeNull();
    act(() => setInput(q('sagerun-param-key-1'), 'my-param'));
    expect(
      host.querySelector('[data-testid="sagerun-param-envonly-1"]')?.textContent
    ).toContain('SAGEMAKER_NOTEBOOK_PARAMETER_my-param');
    expect(q('sagerun-submit').disabled).toBe(false);
  });

  it('shows VPC fields only for VPC only', () => {
    render();
    expect(q('sagerun-vpc-id')).toBeNull();
    act(() => q('sagerun-network-vpc').click());
    expect(q('sagerun-vpc-id')).not.toBeNull();
    expect(fieldError('networkConfiguration.vpcId')).not.toBeNull();
  });

  it('blocks submit on a pre-submit error and offers Save and run when dirty', () => {
    render({
      dirty: true,
      checks: [{ severity: 'error', message: 'No kernelspec', pathOnly: true }]
    });
    expect(q('sagerun-submit').textContent).toBe('Save and run');
    expect(q('sagerun-submit').disabled).toBe(true);
    expect(q('sagerun-checks').textContent).toContain('No kernelspec');
  });

  it('places server field errors at their fields', async () => {
    failWith = new SageRunApiError({
      status: 400,
      code: 'ValidationException',
      message: 'Invalid request',
      fields: [{ path: 'parameters.alpha', message: 'Server: bad alpha' }]
    });
    render();
    await act(async () => {
      q('sagerun-submit').click();
    });
    expect(submitted).toHaveLength(1);
    expect(fieldError('parameters.alpha')?.textContent).toBe(
      'Server: bad alpha'
    );
    expect(q('sagerun-submit-error').textContent).toContain('Invalid request');
  });

  it('says where the packages came from, reloads requirements.txt and checks the limit', async () => {
    let file = 'pandas==2.2.3\n';
    render({
      initial: { ...initialState(DEFAULT_SETTINGS), packages: 'old==1' },
      environment: {
        source: 'requirements',
        requirementsPath: 'dir/requirements.txt',
        loadRequirements: async () => file
      }
    });
    expect(q('sagerun-packages-source').textContent).toBe(
      'From dir/requirements.txt beside the notebook.'
    );
    file = 'polars==1.0\n';
    await act(async () => {
      q('sagerun-use-requirements').click();
    });
    expect(q('sagerun-packages').value).toBe('polars==1.0\n');

    const field = 'environmentConfiguration.packageConfig.packageSpecification';
    act(() => setInput(q('sagerun-packages'), 'x'.repeat(10241)));
    expect(fieldError(field)?.textContent).toBe(
      'At most 10240 characters (10241 now).'
    );
    expect(q('sagerun-submit').disabled).toBe(true);
    expect(q('sagerun-packages-source').textContent).toBe(
      'One requirement a line, as in requirements.txt.'
    );
  });
});
