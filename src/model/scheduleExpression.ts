/**
 * The form's schedule presets and EventBridge Scheduler expressions: presets
 * compile to `cron(minutes hours day-of-month month day-of-week year)`, and an
 * expression the presets could have written reads back into its preset (editing a
 * schedule). Anything else stays a custom expression, checked here for its shape
 * only: the server (POST sagerun/schedules/preview) is the judge of the rest.
 */
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';

export type ScheduleKind =
  'hourly' | 'daily' | 'weekdays' | 'weekly' | 'monthly' | 'custom';

export const SCHEDULE_KINDS: readonly ScheduleKind[] = [
  'hourly',
  'daily',
  'weekdays',
  'weekly',
  'monthly',
  'custom'
];

/** EventBridge's day-of-week names, in the order a week is shown. */
export const WEEKDAYS = [
  'MON',
  'TUE',
  'WED',
  'THU',
  'FRI',
  'SAT',
  'SUN'
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface SchedulePreset {
  kind: ScheduleKind;
  /** HH:MM (24 h) for daily, weekdays, weekly and monthly. */
  time: string;
  /** The minute past each hour, as typed (hourly). */
  minute: string;
  weekday: Weekday;
  /** 1 to 31, as typed (monthly). */
  dayOfMonth: string;
  /** The expression as typed (custom). */
  custom: string;
}

export const DEFAULT_PRESET: SchedulePreset = {
  kind: 'weekdays',
  time: '06:00',
  minute: '0',
  weekday: 'MON',
  dayOfMonth: '1',
  custom: ''
};

/** The problems of a preset's inputs, by the preset field that has them. */
export type PresetProblems = Partial<
  Record<'time' | 'minute' | 'dayOfMonth' | 'custom', string>
>;

function trans0(trans?: TranslationBundle): TranslationBundle {
  return trans ?? nullTranslator.load('jupyter_sagerun');
}

/** "06:00" → {hour: 6, minute: 0}; null unless a 24-hour time. */
export function parseTime(
  text: string
): { hour: number; minute: number } | null {
  const m = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!m) {
    return null;
  }
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  return hour <= 23 && minute <= 59 ? { hour, minute } : null;
}

function integerIn(text: string, min: number, max: number): number | null {
  if (!/^\s*\d+\s*$/.test(text)) {
    return null;
  }
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

export function presetProblems(
  preset: SchedulePreset,
  trans?: TranslationBundle
): PresetProblems {
  const t = trans0(trans);
  const problems: PresetProblems = {};
  const timed = ['daily', 'weekdays', 'weekly', 'monthly'];
  if (timed.includes(preset.kind) && !parseTime(preset.time)) {
    problems.time = t.__('Give a time as HH:MM (00:00 to 23:59).');
  }
  if (preset.kind === 'hourly' && integerIn(preset.minute, 0, 59) === null) {
    problems.minute = t.__('Give a minute from 0 to 59.');
  }
  if (
    preset.kind === 'monthly' &&
    integerIn(preset.dayOfMonth, 1, 31) === null
  ) {
    problems.dayOfMonth = t.__('Give a day of the month from 1 to 31.');
  }
  if (preset.kind === 'custom') {
    const problem = expressionProblem(preset.custom, t);
    if (problem) {
      problems.custom = problem;
    }
  }
  return problems;
}

/**
 * The expression a preset stands for, or null while its inputs are invalid.
 * Month-days past a month's end (31 in April) are skipped, as EventBridge does.
 */
export function compilePreset(preset: SchedulePreset): string | null {
  if (preset.kind === 'custom') {
    const text = preset.custom.trim();
    return expressionProblem(text) ? null : text;
  }
  if (preset.kind === 'hourly') {
    const minute = integerIn(preset.minute, 0, 59);
    return minute === null ? null : `cron(${minute} * * * ? *)`;
  }
  const time = parseTime(preset.time);
  if (!time) {
    return null;
  }
  const at = `${time.minute} ${time.hour}`;
  switch (preset.kind) {
    case 'daily':
      return `cron(${at} * * ? *)`;
    case 'weekdays':
      return `cron(${at} ? * MON-FRI *)`;
    case 'weekly':
      return `cron(${at} ? * ${preset.weekday} *)`;
    case 'monthly': {
      const day = integerIn(preset.dayOfMonth, 1, 31);
      return day === null ? null : `cron(${at} ${day} * ? *)`;
    }
  }
  return null;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** The preset that compiles to `expression`, or a custom one holding it. */
export function presetFromExpression(expression: string): SchedulePreset {
  const text = expression.trim();
  const custom: SchedulePreset = {
    ...DEFAULT_PRESET,
    kind: 'custom',
    custom: text
  };
  const m = /^cron\((.*)\)$/.exec(text);
  const fields = m ? m[1].trim().split(/\s+/) : [];
  if (fields.length !== 6 || fields[3] !== '*' || fields[5] !== '*') {
    return custom;
  }
  const [min, hour, dom, , dow] = fields;
  const minute = /^\d{1,2}$/.test(min) ? Number(min) : NaN;
  if (!(minute <= 59)) {
    return custom;
  }
  if (hour === '*' && dom === '*' && dow === '?') {
    return { ...DEFAULT_PRESET, kind: 'hourly', minute: String(minute) };
  }
  const h = /^\d{1,2}$/.test(hour) ? Number(hour) : NaN;
  if (!(h <= 23)) {
    return custom;
  }
  const time = `${pad2(h)}:${pad2(minute)}`;
  if (dom === '*' && dow === '?') {
    return { ...DEFAULT_PRESET, kind: 'daily', time };
  }
  if (dom === '?' && dow === 'MON-FRI') {
    return { ...DEFAULT_PRESET, kind: 'weekdays', time };
  }
  if (dom === '?' && (WEEKDAYS as readonly string[]).includes(dow)) {
    return { ...DEFAULT_PRESET, kind: 'weekly', time, weekday: dow as Weekday };
  }
  const day = /^\d{1,2}$/.test(dom) ? Number(dom) : NaN;
  if (dow === '?' && day >= 1 && day <= 31) {
    return {
      ...DEFAULT_PRESET,
      kind: 'monthly',
      time,
      dayOfMonth: String(day)
    };
  }
  return custom;
}

const RATE = /^rate\(\s*[1-9]\d*\s+(minute|minutes|hour|hours|day|days)\s*\)$/;
const AT = /^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/;
const CRON = /^cron\((.*)\)$/;

/**
 * What is wrong with the shape of an expression, or undefined: cron with six
 * fields, rate with a positive whole number and a unit, at with a local time.
 */
export function expressionProblem(
  expression: string,
  trans?: TranslationBundle
): string | undefined {
  const t = trans0(trans);
  const text = expression.trim();
  if (!text) {
    return t.__(
      'Write an expression: cron(0 6 ? * MON-FRI *), rate(2 hours) or at(2027-01-04T06:00:00).'
    );
  }
  if (text.startsWith('rate(')) {
    return RATE.test(text)
      ? undefined
      : t.__(
          'A rate is rate(N unit): a whole number above 0 and minute(s), hour(s) or day(s).'
        );
  }
  if (text.startsWith('at(')) {
    return AT.test(text)
      ? undefined
      : t.__('A one-time schedule is at(yyyy-mm-ddThh:mm:ss).');
  }
  const cron = CRON.exec(text);
  if (cron) {
    const fields = cron[1].trim().split(/\s+/).filter(Boolean);
    return fields.length === 6
      ? undefined
      : t.__(
          'A cron expression has six fields: minutes hours day-of-month month day-of-week year (%1 given).',
          fields.length
        );
  }
  return t.__('An expression starts with cron(, rate( or at(.');
}

/** What ScheduleRequest.name allows. */
export const SCHEDULE_NAME_PATTERN = /^[0-9a-zA-Z\-_.]{1,64}$/;
export const SCHEDULE_NAME_MAX = 64;

/**
 * A schedule name from a notebook path: its file name without `.ipynb`, every
 * other character than [0-9a-zA-Z-_.] made a dash, at most 64 characters.
 */
export function scheduleNameFor(path: string): string {
  const file = path.split('/').pop() ?? '';
  const stem = file.replace(/\.ipynb$/i, '');
  const name = stem
    .replace(/[^0-9a-zA-Z\-_.]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, SCHEDULE_NAME_MAX)
    .replace(/[-.]+$/, '');
  return name || 'schedule';
}

export function nameProblem(
  name: string,
  trans?: TranslationBundle
): string | undefined {
  return SCHEDULE_NAME_PATTERN.test(name)
    ? undefined
    : trans0(trans).__('A name is 1 to 64 letters, digits, "-", "_" or ".".');
}
