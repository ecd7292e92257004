import * as React from 'react';
import { act } from 'react';
import type { Root } from 'react-dom/client';

import { nullTranslator } from '@jupyterlab/translation';

import type { IScheduleApi, Schedule } from '../api/scheduleTypes';
import type { Run } from '../api/types';
import type { IRunActions } from '../components/RunRow';
import type { IScheduleActions } from '../components/ScheduleRow';
import { SchedulesView } from '../components/SchedulesView';
import { PanelTabs, PanelView } from '../components/PanelTabs';
import { ScheduleSection } from '../components/ScheduleSection';
import { initialScheduleState } from '../model/scheduleForm';
import { IDLE_PREVIEW } from '../model/schedulePreview';
import { FIRING_GRACE_MS, SchedulesModel } from '../model/schedulesModel';
import { SCHEDULE, mountHost, unmountHost } from './fixtures';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

const trans = nullTranslator.load('jupyter_sagerun');

const schedule = (patch: Partial<Schedule> = {}): Schedule => ({
  ...SCHEDULE,
  ...patch
});

const scheduledRun: Run = {
  id: 'run-1',
  domainId: 'dzd_local',
  owningProjectId: 'local',
  notebookId: 'nb-1',
  status: 'SUCCEEDED',
  createdAt: '2027-01-04T05:00:00Z',
  updatedAt: '2027-01-04T05:01:00Z',
  scheduleId: 'daily-report',
  triggerSource: { type: 'SCHEDULED', name: 'daily-report' },
  path: 'reports/daily.ipynb'
} as Run;

function fakeApi(schedules: Schedule[]): IScheduleApi & { calls: string[] } {
  const calls: string[] = [];
  const find = (name: string) => schedules.find(s => s.name === name)!;
  return {
    calls,
    listSchedules: async () => (calls.push('list'), { schedules }),
    createSchedule: async () => schedules[0],
    updateSchedule: async () => schedules[0],
    deleteSchedule: async name => void calls.push(`delete ${name}`),
    pauseSchedule: async name => (
      calls.push(`pause ${name}`),
      { ...find(name), state: 'DISABLED', nextFirings: [] }
    ),
    resumeSchedule: async name => find(name),
    runScheduleNow: async () => scheduledRun as any,
    previewSchedule: async () => ({ description: '', nextFirings: [] }),
    listScheduleRuns: async id => (
      calls.push(`runs ${id}`),
      { items: [scheduledRun], nextToken: null }
    )
  };
}

const noRunActions = {} as IRunActions;

describe('the Schedules view', () => {
  let host: HTMLDivElement;
  let root: Root;
  beforeEach(() => ({ host, root } = mountHost()));
  afterEach(() => unmountHost(host, root));

  const renderView = async (
    api: IScheduleApi,
    actions: Partial<IScheduleActions> = {}
  ) => {
    const model = new SchedulesModel({
      api,
      pollIntervalMs: 1000,
      isHidden: () => true
    });
    await act(() => model.reload());
    const all: IScheduleActions = {
      pause: s => void model.pause(s.name),
      resume: () => undefined,
      runNow: () => undefined,
      edit: () => undefined,
      remove: s => void model.remove(s.name),
      ...actions
    };
    act(() =>
      root.render(
        <SchedulesView
          model={model}
          trans={trans}
          actions={all}
          runActions={noRunActions}
        />
      )
    );
    return model;
  };
  const q = (id: string) =>
    host.querySelector(`[data-testid="${id}"]`) as HTMLElement;

  it('shows each schedule: name, notebook, words, next firing, state', async () => {
    const model = await renderView(
      fakeApi([
        schedule(),
        schedule({ name: 'weekly', state: 'DISABLED', nextFirings: [] })
      ])
    );
    const rows = host.querySelectorAll('[data-testid="sagerun-schedule-row"]');
    expect(rows).toHaveLength(2);
    expect(rows[0].getAttribute('data-state')).toBe('ENABLED');
    expect(rows[0].textContent).toContain('daily-report');
    expect(q('sagerun-schedule-notebook').textContent).toBe(
      'reports/daily.ipynb'
    );
    expect(q('sagerun-schedule-row-description').textContent).toBe(
      'weekdays at 06:00 (Europe/Berlin)'
    );
    expect(q('sagerun-schedule-next').getAttribute('data-iso')).toBe(
      '2027-01-04T06:00:00+01:00'
    );
    expect(q('sagerun-schedule-next').textContent).toMatch(/^Next: .*2027/);
    expect(rows[1].textContent).toContain('Paused: no firing');
    expect(
      rows[1].querySelector('[data-testid="sagerun-schedule-toggle"]')!
        .textContent
    ).toBe('Resume');
    model.dispose();
  });

  it('pauses through the API and shows the answer', async () => {
    const api = fakeApi([schedule()]);
    const model = await renderView(api);
    await act(async () => q('sagerun-schedule-toggle').click());
    expect(api.calls).toContain('pause daily-report');
    expect(q('sagerun-schedule-row').getAttribute('data-state')).toBe(
      'DISABLED'
    );
    expect(q('sagerun-schedule-toggle').textContent).toBe('Resume');
    model.dispose();
  });

  it("lists a schedule's runs, each marked as scheduled", async () => {
    const api = fakeApi([schedule()]);
    const model = await renderView(api);
    const toggle = q('sagerun-schedule-runs-toggle');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await act(async () => toggle.click());
    expect(api.calls).toContain('runs daily-report');
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const badge = q('sagerun-run-scheduled');
    expect(badge.getAttribute('data-schedule')).toBe('daily-report');
    expect(badge.textContent).toBe('scheduled · daily-report');
    model.dispose();
  });

  it('says when there are none', async () => {
    const model = await renderView(fakeApi([]));
    expect(q('sagerun-schedules-empty').textContent).toMatch(
      /No schedules yet/
    );
    model.dispose();
  });

  it('reloads when a firing time passes and says which schedule fired', async () => {
    const api = fakeApi([schedule({ nextFirings: ['2027-01-04T05:00:00Z'] })]);
    let now = Date.parse('2027-01-04T05:00:00Z');
    const model = new SchedulesModel({
      api,
      pollIntervalMs: 1000,
      now: () => now,
      isHidden: () => true
    });
    await model.reload();
    const fired: string[][] = [];
    model.fired.connect((_, names) => fired.push(names));
    await model.poll();
    expect(fired).toEqual([]);
    now += FIRING_GRACE_MS;
    await model.poll();
    expect(fired).toEqual([['daily-report']]);
    expect(api.calls.filter(c => c === 'list')).toHaveLength(2);
    model.dispose();
  });
});

describe('the When section', () => {
  let host: HTMLDivElement;
  let root: Root;
  beforeEach(() => ({ host, root } = mountHost()));
  afterEach(() => unmountHost(host, root));

  it('disables "On a schedule" with the reason when schedules are not available', () => {
    const state = initialScheduleState('nb.ipynb', 'UTC');
    act(() =>
      root.render(
        <ScheduleSection
          trans={trans}
          state={state}
          errors={{}}
          onChange={() => undefined}
          preview={IDLE_PREVIEW}
          zones={['UTC']}
          availability={{
            available: false,
            reason: 'No role: set c.SageRun.schedule_role_arn.',
            roleArn: null,
            roleSource: null
          }}
        />
      )
    );
    const radio = host.querySelector(
      '[data-testid="sagerun-when-schedule"]'
    ) as HTMLInputElement;
    expect(radio.disabled).toBe(true);
    expect(
      host.querySelector('[data-testid="sagerun-schedule-unavailable"]')!
        .textContent
    ).toBe('No role: set c.SageRun.schedule_role_arn.');
  });

  it('shows the preview and a field message under the expression', () => {
    const state = {
      ...initialScheduleState('nb.ipynb', 'UTC'),
      when: 'schedule' as const
    };
    act(() =>
      root.render(
        <ScheduleSection
          trans={trans}
          state={state}
          errors={{ timezone: 'Unknown time zone.' }}
          onChange={() => undefined}
          preview={{
            status: 'ready',
            preview: {
              description: 'weekdays at 06:00 (UTC)',
              nextFirings: [
                '2027-01-04T06:00:00+00:00',
                '2027-01-05T06:00:00+00:00',
                '2027-01-06T06:00:00+00:00'
              ]
            },
            fields: {},
            message: null
          }}
          zones={['UTC', 'Europe/Berlin']}
          availability={{
            available: true,
            reason: null,
            roleArn: null,
            roleSource: 'local'
          }}
        />
      )
    );
    const expression = host.querySelector(
      '[data-testid="sagerun-schedule-expression"]'
    ) as HTMLInputElement;
    expect(expression.value).toBe('cron(0 6 ? * MON-FRI *)');
    expect(expression.readOnly).toBe(true);
    expect(
      host.querySelector('[data-testid="sagerun-schedule-description"]')!
        .textContent
    ).toBe('weekdays at 06:00 (UTC)');
    expect(
      host.querySelectorAll('[data-testid="sagerun-schedule-firing"]')
    ).toHaveLength(3);
    const error = host.querySelector(
      '[data-testid="sagerun-field-error"][data-field="timezone"]'
    );
    expect(error!.textContent).toBe('Unknown time zone.');
    expect(
      (
        host.querySelector(
          '[data-testid="sagerun-schedule-name"]'
        ) as HTMLInputElement
      ).value
    ).toBe('nb');
  });

  it('moves between Runs and Schedules with the arrow keys', () => {
    let view: PanelView = 'runs';
    const render = () =>
      act(() =>
        root.render(
          <PanelTabs
            trans={trans}
            view={view}
            onChange={v => {
              view = v;
              render();
            }}
          />
        )
      );
    render();
    const runsTab = host.querySelector(
      '[data-testid="sagerun-tab-runs"]'
    ) as HTMLButtonElement;
    expect(runsTab.getAttribute('aria-selected')).toBe('true');
    act(() => {
      runsTab.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true })
      );
    });
    const schedulesTab = host.querySelector(
      '[data-testid="sagerun-tab-schedules"]'
    ) as HTMLButtonElement;
    expect(view).toBe('schedules');
    expect(schedulesTab.getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(schedulesTab);
    expect(runsTab.tabIndex).toBe(-1);
  });
});
