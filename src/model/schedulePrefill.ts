/**
 * The run form opened on an existing schedule (Edit): its run settings over the
 * form's defaults. Parameter values never come back from the server, so each of
 * the schedule's parameter names starts from the notebook's parameters cell (or
 * empty), and the form says that the values it sends replace the stored ones.
 */
import type { Schedule } from '../api/scheduleTypes';
import type { Run } from '../api/types';
import { makeRow, RunFormState } from './formState';
import { applyPreset, presetFromRun } from './presets';
import type { ParameterDefault } from './paramsCell';

export function prefillFromSchedule(
  state: RunFormState,
  schedule: Schedule,
  defaults: ParameterDefault[]
): RunFormState {
  const settings = schedule.runSettings ?? {};
  // The settings have a run's shape: read them as "Run again" reads a run.
  const asRun = { ...settings, id: schedule.name } as unknown as Run;
  const preset = { ...presetFromRun(asRun), parameterNames: undefined };
  const next = applyPreset(state, preset);
  const byName = new Map(defaults.map(d => [d.name, d.value]));
  next.target = 'path';
  next.path = schedule.path ?? '';
  next.parameters = (settings.parameterNames ?? []).map(name =>
    makeRow(name, byName.get(name) ?? '')
  );
  return next;
}
