import { placeServerErrors } from '../components/RunForm';
import { resultErrorMessage } from '../model/messages';
import { SageRunApiError } from '../api/errors';
import { nullTranslator } from '@jupyterlab/translation';

describe('server field errors', () => {
  const known = new Set([
    'timeoutConfiguration.runTimeoutInMinutes',
    'networkConfiguration.subnetIds',
    'notificationConfiguration.notifyOn',
    'parameters',
    'parameters.alpha'
  ]);

  it('places each 400 field at its field, list items at their list', () => {
    const { placed, other } = placeServerErrors(
      [
        {
          path: 'timeoutConfiguration.runTimeoutInMinutes',
          message: 'at least 60'
        },
        { path: 'networkConfiguration.subnetIds[10]', message: 'too many' },
        {
          path: 'notificationConfiguration.notifyOn[0]',
          message: 'unknown state'
        },
        { path: 'parameters.alpha', message: 'too long' },
        { path: 'parameters.beta', message: 'key too long' },
        { path: 'path', message: 'No such notebook' }
      ],
      known
    );
    expect(placed).toEqual({
      'timeoutConfiguration.runTimeoutInMinutes': 'at least 60',
      'networkConfiguration.subnetIds': 'too many',
      'notificationConfiguration.notifyOn': 'unknown state',
      'parameters.alpha': 'too long',
      parameters: 'key too long'
    });
    expect(other).toEqual([{ path: 'path', message: 'No such notebook' }]);
  });
});

describe('Open result messages', () => {
  const trans = nullTranslator.load('jupyter_sagerun');
  it('tells a missing route from a run without result', () => {
    expect(
      resultErrorMessage(
        new SageRunApiError({ status: 404, code: 'NotFound', message: 'x' }),
        trans
      )
    ).toMatch(/cannot export run results yet/);
    expect(
      resultErrorMessage(
        new SageRunApiError({
          status: 409,
          code: 'ConflictException',
          message: 'The run never started.'
        }),
        trans
      )
    ).toBe('This run has no result to open: The run never started.');
  });
});
