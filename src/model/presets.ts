/**
 * Presets: named sets of run settings (from the settings, from a past run, or saved
 * from the form), and how one applies over the form's state.
 */
import type {
  NetworkAccessType,
  Run,
  RunStatus,
  StringMap,
  TriggerSourceType
} from '../api/types';
import { LIMITS } from '../api/limits';
import { presetFromEnvironment } from './environment';
import {
  makeRow,
  rowsFromMap,
  rowsToMap,
  RunFormState,
  splitList
} from './formState';

/** A named set of run settings kept in the settings; parameter names only. */
export interface Preset {
  name: string;
  instanceType?: string;
  environmentVersion?: string;
  networkAccessType?: NetworkAccessType;
  vpcId?: string;
  subnetIds?: string[];
  securityGroupIds?: string[];
  runTimeoutInMinutes?: number;
  notifyOn?: RunStatus[];
  metadata?: StringMap;
  parameterNames?: string[];
  scheduleIdentifier?: string;
  triggerSourceType?: TriggerSourceType;
  triggerSourceName?: string;
  imageVersion?: string;
  packages?: string;
}

/** Apply a preset over a state; parameter values stay as they are. */
export function applyPreset(state: RunFormState, preset: Preset): RunFormState {
  const next: RunFormState = { ...state };
  if (preset.instanceType !== undefined) {
    next.instanceType = preset.instanceType;
  }
  if (preset.environmentVersion !== undefined) {
    next.environmentVersion = preset.environmentVersion;
  }
  if (preset.networkAccessType !== undefined) {
    next.networkAccessType = preset.networkAccessType;
  }
  if (preset.vpcId !== undefined) {
    next.vpcId = preset.vpcId;
  }
  if (preset.subnetIds !== undefined) {
    next.subnetIds = preset.subnetIds.join(', ');
  }
  if (preset.securityGroupIds !== undefined) {
    next.securityGroupIds = preset.securityGroupIds.join(', ');
  }
  if (preset.runTimeoutInMinutes !== undefined) {
    next.timeoutMinutes = String(preset.runTimeoutInMinutes);
  }
  if (preset.notifyOn !== undefined) {
    next.notifyOn = [...preset.notifyOn];
  }
  if (preset.metadata !== undefined) {
    next.metadata = rowsFromMap(preset.metadata);
  }
  if (preset.parameterNames !== undefined) {
    const have = new Set(next.parameters.map(r => r.key.trim()));
    next.parameters = [
      ...next.parameters,
      ...preset.parameterNames
        .filter(n => !have.has(n))
        .map(n => makeRow(n, ''))
    ];
  }
  if (preset.scheduleIdentifier !== undefined) {
    next.scheduleIdentifier = preset.scheduleIdentifier;
  }
  if (preset.triggerSourceType !== undefined) {
    next.triggerSourceType = preset.triggerSourceType;
  }
  if (preset.triggerSourceName !== undefined) {
    next.triggerSourceName = preset.triggerSourceName;
  }
  if (preset.imageVersion !== undefined) {
    next.imageVersion = preset.imageVersion;
  }
  if (preset.packages !== undefined) {
    next.packages = preset.packages;
  }
  return next;
}

/** The settings of a run as a preset (what "last run" and "Run again" apply). */
export function presetFromRun(run: Run): Preset {
  const preset: Preset = { name: run.id };
  const c = run.computeConfiguration;
  if (c?.instanceType !== undefined) {
    preset.instanceType = c.instanceType;
  }
  if (c?.environmentVersion !== undefined) {
    preset.environmentVersion = c.environmentVersion;
  }
  const n = run.networkConfiguration;
  if (n) {
    preset.networkAccessType = n.networkAccessType;
    preset.vpcId = n.vpcId ?? '';
    preset.subnetIds = n.subnetIds ?? [];
    preset.securityGroupIds = n.securityGroupIds ?? [];
  }
  if (run.timeoutConfiguration?.runTimeoutInMinutes !== undefined) {
    preset.runTimeoutInMinutes = run.timeoutConfiguration.runTimeoutInMinutes;
  }
  if (run.notificationConfiguration) {
    preset.notifyOn = run.notificationConfiguration.notifyOn ?? [];
  }
  if (run.metadata) {
    preset.metadata = run.metadata;
  }
  if (run.scheduleId) {
    preset.scheduleIdentifier = run.scheduleId;
  }
  if (run.triggerSource?.type) {
    preset.triggerSourceType = run.triggerSource.type;
  }
  if (run.triggerSource?.name) {
    preset.triggerSourceName = run.triggerSource.name;
  }
  Object.assign(preset, presetFromEnvironment(run.environmentConfiguration));
  return preset;
}

/** The form's settings as a preset: parameter names, never their values. */
export function presetFromState(name: string, state: RunFormState): Preset {
  const timeout = Number(state.timeoutMinutes);
  const preset: Preset = {
    name,
    instanceType: state.instanceType.trim(),
    environmentVersion: state.environmentVersion.trim(),
    networkAccessType: state.networkAccessType,
    notifyOn: [...state.notifyOn],
    metadata: rowsToMap(state.metadata),
    parameterNames: state.parameters.map(r => r.key.trim()).filter(Boolean)
  };
  if (state.networkAccessType === 'VPC_ONLY') {
    preset.vpcId = state.vpcId.trim();
    preset.subnetIds = splitList(state.subnetIds);
    preset.securityGroupIds = splitList(state.securityGroupIds);
  }
  if (
    Number.isInteger(timeout) &&
    timeout >= LIMITS.timeout.min &&
    timeout <= LIMITS.timeout.max
  ) {
    preset.runTimeoutInMinutes = timeout;
  }
  if (state.scheduleIdentifier.trim()) {
    preset.scheduleIdentifier = state.scheduleIdentifier.trim();
  }
  if (state.triggerSourceType) {
    preset.triggerSourceType = state.triggerSourceType;
  }
  if (state.triggerSourceName.trim()) {
    preset.triggerSourceName = state.triggerSourceName.trim();
  }
  if (state.imageVersion.trim()) {
    preset.imageVersion = state.imageVersion.trim();
  }
  if (state.packages.trim()) {
    preset.packages = state.packages;
  }
  return preset;
}
