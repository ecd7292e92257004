import { SageRunApiError } from '../api/errors';
import type { Schedule, SchedulePreviewRequest } from '../api/scheduleTypes';
import {
  DEFAULT_SETTINGS,
  initialState,
  makeRow,
  toRequest
} from '../model/formState';
import {
  initialScheduleState,
  previewRequest,
  scheduleFieldErrors,
  ScheduleFormState,
  scheduleReady,
  scheduleStateFromSchedule,
  toScheduleRequest,
  validateSchedule
} from '../model/scheduleForm';
import { prefillFromSchedule } from '../model/schedulePrefill';
import {
  IDLE_PREVIEW,
  PreviewState,
  SchedulePreviewer
} from '../model/schedulePreview';
import { isoToWallTime, timeZoneList, wallTimeToIso } from '../model/timeZones';
import { SCHEDULE } from './fixtures';

const scheduled = (
  patch: Partial<ScheduleFormState> = {}
): ScheduleFormState => ({
  ...initialScheduleState('reports/daily report.ipynb', 'Europe/Berlin'),
  when: 'schedule',
  ...patch
});

describe('the schedule form state', () => {
  it('starts on "now", named after the notebook, in the zone given', () => {
    const state = initialScheduleState(
      'reports/daily report.ipynb',
      'Asia/Tokyo'
    );
    expect(state.when).toBe('now');
    expect(state.name).toBe('daily-report');
    expect(state.timezone).toBe('Asia/Tokyo');
    expect(validateSchedule(state, 'notebookId')).toEqual({});
    expect(previewRequest(state)).toBeNull();
  });

  it('asks the preview for the compiled expression with dates in UTC', () => {
    const state = scheduled({
      startDate: '2027-01-04T06:00',
      endDate: '2027-07-01T06:00'
    });
    expect(previewRequest(state)).toEqual({
      expression: 'cron(0 6 ? * MON-FRI *)',
      timezone: 'Europe/Berlin',
      startDate: '2027-01-04T05:00:00.000Z',
      endDate: '2027-07-01T04:00:00.000Z',
      count: 3
    });
  });

  it('names each problem at its field before any call', () => {
    const state = scheduled({
      name: 'bad name',
      preset: { ...scheduled().preset, kind: 'custom', custom: 'daily' },
      startDate: '2027-02-01T00:00',
      endDate: '2027-01-01T00:00'
    });
    const errors = validateSchedule(state, 'notebookId');
    expect(Object.keys(errors).sort()).toEqual(
      ['endDate', 'expression', 'name', 'path'].sort()
    );
    expect(previewRequest(state)).toBeNull();
    expect(
      scheduleReady(state, 'path', { ...IDLE_PREVIEW, status: 'ready' })
    ).toBe(false);
  });

  it('is ready only once the server previewed this very schedule', () => {
    const state = scheduled();
    const ready: PreviewState = {
      status: 'ready',
      preview: {
        description: 'weekdays at 06:00 (Europe/Berlin)',
        nextFirings: []
      },
      fields: {},
      message: null
    };
    expect(scheduleReady(state, 'path', ready)).toBe(true);
    expect(scheduleReady(state, 'path', { ...ready, status: 'pending' })).toBe(
      false
    );
    expect(
      scheduleReady(state, 'path', {
        ...IDLE_PREVIEW,
        status: 'invalid',
        fields: { timezone: 'x' }
      })
    ).toBe(false);
    // "Now" needs no preview.
    expect(scheduleReady({ ...state, when: 'now' }, 'path', IDLE_PREVIEW)).toBe(
      true
    );
  });

  it("shows a 400's field messages at the fields, unknown ones at the expression", () => {
    const errors = scheduleFieldErrors(scheduled(), 'path', {
      status: 'invalid',
      preview: null,
      fields: {
        timezone: 'Unknown time zone Mars/Base.',
        'expression.year': 'Bad year.'
      },
      message: null
    });
    expect(errors).toEqual({
      timezone: 'Unknown time zone Mars/Base.',
      expression: 'Bad year.'
    });
  });

  it('builds the schedule body from the run request the form builds', () => {
    const form = {
      ...initialState(DEFAULT_SETTINGS),
      path: 'reports/daily report.ipynb',
      instanceType: 'ml.m5.large',
      timeoutMinutes: '90',
      parameters: [makeRow('alpha', '3')],
      triggerSourceType: 'MANUAL' as const,
      scheduleIdentifier: 'ignored'
    };
    const run = toRequest(form, { clientToken: 'token-1', domainId: 'dzd_1' });
    const body = toScheduleRequest(run, scheduled({ name: 'morning' }));
    expect(body).toEqual({
      name: 'morning',
      path: 'reports/daily report.ipynb',
      expression: 'cron(0 6 ? * MON-FRI *)',
      timezone: 'Europe/Berlin',
      state: 'ENABLED',
      computeConfiguration: { instanceType: 'ml.m5.large' },
      networkConfiguration: run.networkConfiguration,
      timeoutConfiguration: { runTimeoutInMinutes: 90 },
      parameters: { alpha: '3' },
      environmentConfiguration: run.environmentConfiguration
    });
    // Every firing gets its own token: none is stored in the schedule.
    expect(JSON.stringify(body)).not.toMatch(
      /clientToken|triggerSource|scheduleIdentifier/
    );
  });

  it('opens an existing schedule in schedule mode, its times in its zone', () => {
    const schedule: Schedule = {
      ...SCHEDULE,
      name: 'morning',
      path: 'reports/daily.ipynb',
      expression: 'cron(30 7 ? * TUE *)',
      timezone: 'America/New_York',
      startDate: '2027-06-01T11:30:00+00:00',
      endDate: null,
      state: 'DISABLED',
      description: 'every week on Tuesday at 07:30 (America/New_York)',
      nextFirings: []
    };
    const state = scheduleStateFromSchedule(schedule);
    expect(state).toMatchObject({
      when: 'schedule',
      editing: 'morning',
      name: 'morning',
      state: 'DISABLED',
      timezone: 'America/New_York',
      startDate: '2027-06-01T07:30',
      endDate: ''
    });
    expect(state.preset).toMatchObject({
      kind: 'weekly',
      weekday: 'TUE',
      time: '07:30'
    });
    expect(previewRequest(state)?.startDate).toBe('2027-06-01T11:30:00.000Z');
  });
});

describe('time zones', () => {
  it('reads wall times in the zone given, summer and winter', () => {
    expect(wallTimeToIso('2027-01-04T06:00', 'Europe/Berlin')).toBe(
      '2027-01-04T05:00:00.000Z'
    );
    expect(wallTimeToIso('2027-07-04T06:00', 'Europe/Berlin')).toBe(
      '2027-07-04T04:00:00.000Z'
    );
    expect(wallTimeToIso('2027-07-04T06:00', 'UTC')).toBe(
      '2027-07-04T06:00:00.000Z'
    );
    expect(wallTimeToIso('2027-07-04T06:00', 'Mars/Base')).toBeNull();
    expect(wallTimeToIso('tomorrow', 'UTC')).toBeNull();
    expect(isoToWallTime('2027-07-04T04:00:00Z', 'Europe/Berlin')).toBe(
      '2027-07-04T06:00'
    );
  });

  it('lists UTC first and every zone the engine knows', () => {
    const zones = timeZoneList();
    expect(zones[0]).toBe('UTC');
    expect(zones).toContain('Europe/Berlin');
    expect(new Set(zones).size).toBe(zones.length);
  });
});

describe('SchedulePreviewer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const body = (expression: string): SchedulePreviewRequest => ({
    expression,
    timezone: 'UTC',
    count: 3
  });

  it('asks once the typing stops and keeps only the latest answer', async () => {
    const asked: string[] = [];
    const states: PreviewState[] = [];
    const previewer = new SchedulePreviewer(
      async b => {
        asked.push(b.expression ?? '');
        return { description: b.expression ?? '', nextFirings: [] };
      },
      s => states.push(s),
      400
    );
    previewer.request(body('rate(1 hour)'));
    jest.advanceTimersByTime(200);
    previewer.request(body('rate(2 hours)'));
    expect(previewer.state.status).toBe('pending');
    jest.advanceTimersByTime(400);
    await Promise.resolve();
    await Promise.resolve();
    expect(asked).toEqual(['rate(2 hours)']);
    expect(previewer.state.status).toBe('ready');
    expect(previewer.state.preview?.description).toBe('rate(2 hours)');
    // The same question again asks nothing.
    previewer.request(body('rate(2 hours)'));
    jest.advanceTimersByTime(1000);
    expect(asked).toHaveLength(1);
    previewer.dispose();
  });

  it("holds a 400's field messages and drops an answer overtaken by the form", async () => {
    let fail: (e: unknown) => void = () => undefined;
    const previewer = new SchedulePreviewer(
      b =>
        b.expression === 'slow'
          ? new Promise((_, reject) => (fail = reject))
          : Promise.reject(
              new SageRunApiError({
                status: 400,
                code: 'ValidationException',
                message: 'bad',
                fields: [{ path: 'expression', message: 'Not a cron field.' }]
              })
            ),
      () => undefined,
      10
    );
    previewer.request(body('slow'));
    jest.advanceTimersByTime(10);
    previewer.request(body('cron(x)'));
    jest.advanceTimersByTime(10);
    for (let i = 0; i < 4; i++) {
      await Promise.resolve();
    }
    expect(previewer.state).toMatchObject({
      status: 'invalid',
      fields: { expression: 'Not a cron field.' },
      message: null
    });
    fail(new Error('late'));
    await Promise.resolve();
    expect(previewer.state.status).toBe('invalid');
    previewer.request(null);
    expect(previewer.state).toEqual(IDLE_PREVIEW);
  });
});

describe('prefillFromSchedule', () => {
  it("takes the schedule's settings; parameter values from the notebook's cell", () => {
    const state = prefillFromSchedule(
      {
        ...initialState(DEFAULT_SETTINGS),
        path: 'other.ipynb',
        parameters: [makeRow('beta', '2')]
      },
      {
        ...SCHEDULE,
        name: 'morning',
        path: 'reports/daily.ipynb',
        expression: 'rate(1 hour)',
        timezone: 'UTC',
        state: 'ENABLED',
        description: 'every hour',
        nextFirings: [],
        runSettings: {
          computeConfiguration: { instanceType: 'ml.c5.xlarge' },
          timeoutConfiguration: { runTimeoutInMinutes: 120 },
          metadata: { team: 'bi' },
          parameterNames: ['alpha', 'gamma']
        }
      },
      [{ name: 'alpha', value: '1', parsed: true }]
    );
    expect(state.path).toBe('reports/daily.ipynb');
    expect(state.target).toBe('path');
    expect(state.instanceType).toBe('ml.c5.xlarge');
    expect(state.timeoutMinutes).toBe('120');
    expect(state.metadata.map(r => [r.key, r.value])).toEqual([['team', 'bi']]);
    expect(state.parameters.map(r => [r.key, r.value])).toEqual([
      ['alpha', '1'],
      ['gamma', '']
    ]);
  });
});
