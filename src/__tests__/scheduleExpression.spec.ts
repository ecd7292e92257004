import {
  compilePreset,
  DEFAULT_PRESET,
  expressionProblem,
  nameProblem,
  parseTime,
  presetFromExpression,
  presetProblems,
  SchedulePreset,
  scheduleNameFor
} from '../model/scheduleExpression';

const preset = (patch: Partial<SchedulePreset>): SchedulePreset => ({
  ...DEFAULT_PRESET,
  ...patch
});

describe('schedule presets', () => {
  it.each<[Partial<SchedulePreset>, string]>([
    [{ kind: 'hourly', minute: '0' }, 'cron(0 * * * ? *)'],
    [{ kind: 'hourly', minute: '15' }, 'cron(15 * * * ? *)'],
    [{ kind: 'daily', time: '07:30' }, 'cron(30 7 * * ? *)'],
    [{ kind: 'weekdays', time: '06:00' }, 'cron(0 6 ? * MON-FRI *)'],
    [
      { kind: 'weekly', time: '23:59', weekday: 'SUN' },
      'cron(59 23 ? * SUN *)'
    ],
    [
      { kind: 'monthly', time: '00:05', dayOfMonth: '31' },
      'cron(5 0 31 * ? *)'
    ],
    [{ kind: 'custom', custom: '  rate(2 hours) ' }, 'rate(2 hours)'],
    [
      { kind: 'custom', custom: 'at(2027-01-04T06:00:00)' },
      'at(2027-01-04T06:00:00)'
    ]
  ])('%j compiles to %s', (patch, expected) => {
    expect(compilePreset(preset(patch))).toBe(expected);
  });

  it.each<[Partial<SchedulePreset>, string]>([
    [{ kind: 'daily', time: '24:00' }, 'time'],
    [{ kind: 'weekdays', time: '6' }, 'time'],
    [{ kind: 'hourly', minute: '60' }, 'minute'],
    [{ kind: 'hourly', minute: '' }, 'minute'],
    [{ kind: 'monthly', dayOfMonth: '0' }, 'dayOfMonth'],
    [{ kind: 'monthly', dayOfMonth: '32' }, 'dayOfMonth'],
    [{ kind: 'custom', custom: 'cron(0 6 * *)' }, 'custom']
  ])('%j is invalid at %s and compiles to nothing', (patch, field) => {
    const p = preset(patch);
    expect(Object.keys(presetProblems(p))).toEqual([field]);
    expect(compilePreset(p)).toBeNull();
  });

  it('reads back every expression a preset writes', () => {
    const presets: Partial<SchedulePreset>[] = [
      { kind: 'hourly', minute: '5' },
      { kind: 'daily', time: '07:30' },
      { kind: 'weekdays', time: '06:00' },
      { kind: 'weekly', time: '18:45', weekday: 'WED' },
      { kind: 'monthly', time: '09:00', dayOfMonth: '15' }
    ];
    for (const patch of presets) {
      const expression = compilePreset(preset(patch))!;
      const back = presetFromExpression(expression);
      expect(back.kind).toBe(patch.kind);
      expect(compilePreset(back)).toBe(expression);
    }
  });

  it('keeps other expressions as custom ones', () => {
    for (const text of [
      'cron(0 6 ? * MON-FRI 2027)',
      'cron(0/15 * * * ? *)',
      'cron(0 6 L * ? *)',
      'rate(1 minute)',
      'at(2027-01-04T06:00:00)'
    ]) {
      const back = presetFromExpression(text);
      expect(back.kind).toBe('custom');
      expect(back.custom).toBe(text);
    }
  });

  it('parses 24-hour times only', () => {
    expect(parseTime('06:05')).toEqual({ hour: 6, minute: 5 });
    expect(parseTime('6:05')).toEqual({ hour: 6, minute: 5 });
    expect(parseTime('12:60')).toBeNull();
    expect(parseTime('noon')).toBeNull();
  });
});

describe('expressionProblem', () => {
  it.each([
    'cron(0 6 ? * MON-FRI *)',
    'rate(1 minute)',
    'rate(2 hours)',
    'rate(7 days)',
    'at(2027-01-04T06:00:00)'
  ])('accepts %s', text => {
    expect(expressionProblem(text)).toBeUndefined();
  });

  it.each([
    ['', /Write an expression/],
    ['every day', /starts with cron\(, rate\( or at\(/],
    ['rate(0 minutes)', /whole number above 0/],
    ['rate(2 weeks)', /minute\(s\), hour\(s\) or day\(s\)/],
    ['at(2027-01-04 06:00)', /at\(yyyy-mm-ddThh:mm:ss\)/],
    ['cron(0 6 * * ?)', /six fields.*\(5 given\)/]
  ])('refuses %j', (text, message) => {
    expect(expressionProblem(text)).toMatch(message);
  });
});

describe('schedule names', () => {
  it.each([
    ['reports/daily.ipynb', 'daily'],
    ['My Report (v2).ipynb', 'My-Report-v2'],
    ['a/b/über straße.ipynb', 'ber-stra-e'],
    ['.hidden.ipynb', 'hidden'],
    ['ööö.ipynb', 'schedule'],
    ['x'.repeat(80) + '.ipynb', 'x'.repeat(64)]
  ])('%s is named %s', (path, name) => {
    expect(scheduleNameFor(path)).toBe(name);
    expect(nameProblem(scheduleNameFor(path))).toBeUndefined();
  });

  it('refuses names EventBridge refuses', () => {
    expect(nameProblem('')).toMatch(/1 to 64/);
    expect(nameProblem('a b')).toMatch(/1 to 64/);
    expect(nameProblem('x'.repeat(65))).toMatch(/1 to 64/);
    expect(nameProblem('daily-report_2.v1')).toBeUndefined();
  });
});
