import {
  DEFAULT_SETTINGS,
  initialState,
  makeRow,
  RunFormState
} from '../model/formState';
import { applyPreset, presetFromState } from '../model/presets';

function state(patch: Partial<RunFormState> = {}): RunFormState {
  return { ...initialState(DEFAULT_SETTINGS), path: 'nb.ipynb', ...patch };
}

describe('presets', () => {
  it('keeps parameter values out of presets', () => {
    const preset = presetFromState(
      'p',
      state({ parameters: [makeRow('alpha', 'secret')] })
    );
    expect(preset.parameterNames).toEqual(['alpha']);
    expect(JSON.stringify(preset)).not.toContain('secret');
    expect(preset.runTimeoutInMinutes).toBe(720);
    // A preset never carries a timeout the settings schema would reject.
    expect(
      presetFromState('p', state({ timeoutMinutes: '30' })).runTimeoutInMinutes
    ).toBeUndefined();
  });

  it('a preset saved from the form applies back over a fresh form, parameter values untouched', () => {
    const saved = presetFromState(
      'p',
      state({
        instanceType: 'ml.m5.xlarge',
        networkAccessType: 'VPC_ONLY',
        parameters: [makeRow('alpha', 'secret')]
      })
    );
    const fresh = state({ parameters: [makeRow('alpha', 'mine')] });
    const applied = applyPreset(fresh, saved);
    expect(applied.instanceType).toBe('ml.m5.xlarge');
    expect(applied.networkAccessType).toBe('VPC_ONLY');
    expect(applied.parameters.map(r => [r.key, r.value])).toEqual([
      ['alpha', 'mine']
    ]);
  });
});
