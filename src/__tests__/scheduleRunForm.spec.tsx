import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';

import { nullTranslator } from '@jupyterlab/translation';

import type { SchedulePreviewRequest } from '../api/scheduleTypes';
import { IRunFormProps, RunForm } from '../components/RunForm';
import { DEFAULT_SETTINGS, initialState, makeRow } from '../model/formState';
import { initialScheduleState, ScheduleFormState } from '../model/scheduleForm';
import { setInput } from './fixtures';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

const trans = nullTranslator.load('jupyter_sagerun');

describe('the run form on a schedule', () => {
  let host: HTMLDivElement;
  let root: Root;
  let asked: SchedulePreviewRequest[];
  let submitted: ScheduleFormState[];

  beforeEach(() => {
    jest.useFakeTimers();
    host = document.createElement('div');
    document.body.appendChild(host);
    root = createRoot(host);
    asked = [];
    submitted = [];
  });
  afterEach(() => {
    act(() => root.unmount());
    host.remove();
    jest.useRealTimers();
  });

  const render = (available = true) => {
    const props: IRunFormProps = {
      trans,
      context: null,
      contextError: null,
      notebookPath: 'reports/daily.ipynb',
      initial: {
        ...initialState(DEFAULT_SETTINGS),
        path: 'reports/daily.ipynb',
        parameters: [makeRow('alpha', '1')]
      },
      suggestions: [],
      presets: [],
      cellNames: ['alpha'],
      checks: [],
      dirty: false,
      loadNotebooks: async () => [],
      onSubmit: async (_state, _phase, schedule) => {
        submitted.push(schedule);
      },
      onCancel: () => undefined,
      onSavePreset: async () => undefined,
      environment: {
        source: null,
        requirementsPath: null,
        loadRequirements: async () => null
      },
      schedules: {
        initial: initialScheduleState('reports/daily.ipynb', 'Europe/Berlin'),
        availability: {
          available,
          reason: null,
          roleArn: null,
          roleSource: null
        },
        preview: async body => {
          asked.push(body);
          return {
            description: 'weekdays at 06:00 (Europe/Berlin)',
            nextFirings: ['2027-01-04T06:00:00+01:00']
          };
        }
      }
    };
    act(() => root.render(<RunForm {...props} />));
  };
  const q = (id: string) =>
    host.querySelector(`[data-testid="${id}"]`) as HTMLInputElement;

  it('previews, says where parameters are kept, and creates the schedule', async () => {
    render();
    expect(q('sagerun-submit').textContent).toBe('Run');
    expect(q('sagerun-schedule-params-note')).toBeNull();
    act(() => q('sagerun-when-schedule').click());
    expect(q('sagerun-submit').textContent).toBe('Create schedule');
    expect(q('sagerun-schedule-name').value).toBe('daily');
    expect(q('sagerun-schedule-params-note').textContent).toContain(
      "stored in the schedule's target input"
    );
    expect(q('sagerun-schedule-sync-note').textContent).toContain(
      'as synced now'
    );
    // Not sent before the server has previewed it.
    expect(q('sagerun-submit').disabled).toBe(true);
    await act(async () => {
      jest.advanceTimersByTime(1000);
    });
    expect(asked).toEqual([
      {
        expression: 'cron(0 6 ? * MON-FRI *)',
        timezone: 'Europe/Berlin',
        count: 3
      }
    ]);
    expect(q('sagerun-schedule-description').textContent).toBe(
      'weekdays at 06:00 (Europe/Berlin)'
    );
    expect(q('sagerun-submit').disabled).toBe(false);
    act(() => setInput(q('sagerun-schedule-name'), 'bad name'));
    expect(q('sagerun-submit').disabled).toBe(true);
    act(() => setInput(q('sagerun-schedule-name'), 'morning'));
    await act(async () => {
      q('sagerun-submit').click();
    });
    expect(submitted.map(s => [s.when, s.name])).toEqual([
      ['schedule', 'morning']
    ]);
  });

  it('offers no schedule where schedules are not available', () => {
    render(false);
    expect(q('sagerun-when-schedule').disabled).toBe(true);
    expect(q('sagerun-when-now').checked).toBe(true);
  });
});
