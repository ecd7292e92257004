import {
  environmentRequest,
  presetFromEnvironment,
  requirementsPathFor
} from '../model/environment';
import { DEFAULT_SETTINGS, initialState, toRequest } from '../model/formState';
import { presetFromRun } from '../model/presets';
import type { Run } from '../api/types';

describe('the run environment in the form', () => {
  it('finds requirements.txt beside the notebook', () => {
    expect(requirementsPathFor('a/b/nb.ipynb')).toBe('a/b/requirements.txt');
    expect(requirementsPathFor('nb.ipynb')).toBe('requirements.txt');
  });

  it('always sends a package list, so an emptied one empties the notebook', () => {
    const state = { ...initialState(DEFAULT_SETTINGS), path: 'nb.ipynb' };
    expect(toRequest(state).environmentConfiguration).toEqual({
      packageConfig: { packageManager: 'UV', packageSpecification: '' }
    });
    expect(environmentRequest(' 2.0 ', 'pandas==2.2.3\n')).toEqual({
      imageVersion: '2.0',
      packageConfig: {
        packageManager: 'UV',
        packageSpecification: 'pandas==2.2.3\n'
      }
    });
  });

  it('prefills from the last run of the notebook', () => {
    const run = {
      id: 'r1',
      environmentConfiguration: {
        imageVersion: '2.0',
        packageConfig: { packageManager: 'UV', packageSpecification: 'x==1' }
      }
    } as Run;
    expect(presetFromRun(run)).toMatchObject({
      imageVersion: '2.0',
      packages: 'x==1'
    });
    expect(presetFromEnvironment(undefined)).toEqual({});
  });
});
