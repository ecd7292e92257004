import type {
  NetworkAccessType,
  RunStatus,
  StartRunRequest,
  StringMap,
  TriggerSourceType
} from '../api/types';
import { LIMITS } from '../api/limits';
import { environmentRequest } from './environment';
import type { Preset } from './presets';

export interface KeyValueRow {
  /** Stable React key; not sent. */
  id: number;
  key: string;
  /** As the user typed it: sensitive, shown masked. */
  value: string;
  /**
   * The notebook's own default (its parameters cell), shown as the field's
   * placeholder rather than as a masked value: it is in the file anyway. Sent when
   * the user leaves the value empty.
   */
  notebookDefault?: string;
}

/** What the run form edits: text as typed; `toRequest` turns it into a request. */
export interface RunFormState {
  target: 'path' | 'notebookId';
  path: string;
  notebookId: string;
  instanceType: string;
  environmentVersion: string;
  networkAccessType: NetworkAccessType;
  vpcId: string;
  /** Comma or whitespace separated, as typed. */
  subnetIds: string;
  securityGroupIds: string;
  /** As typed, so a half-typed number can be checked and shown. */
  timeoutMinutes: string;
  parameters: KeyValueRow[];
  metadata: KeyValueRow[];
  notifyOn: RunStatus[];
  scheduleIdentifier: string;
  triggerSourceType: '' | TriggerSourceType;
  triggerSourceName: string;
  /** environmentConfiguration.imageVersion */
  imageVersion: string;
  /** environmentConfiguration.packageConfig.packageSpecification, as typed. */
  packages: string;
}

/** The settings of `schema/plugin.json` the form reads. */
export interface FormSettings {
  defaultInstanceType: string;
  instanceTypeSuggestions: string[];
  defaultEnvironmentVersion: string;
  defaultTimeoutMinutes: number;
  defaultNetworkAccessType: NetworkAccessType;
  defaultNotifyOn: RunStatus[];
  defaultPreset: string;
  presets: Preset[];
}

export const DEFAULT_SETTINGS: FormSettings = {
  defaultInstanceType: '',
  instanceTypeSuggestions: [],
  defaultEnvironmentVersion: '',
  defaultTimeoutMinutes: LIMITS.timeout.default,
  defaultNetworkAccessType: 'PUBLIC_INTERNET_ONLY',
  defaultNotifyOn: [],
  defaultPreset: '',
  presets: []
};

let nextRowId = 1;
export function makeRow(
  key = '',
  value = '',
  notebookDefault?: string
): KeyValueRow {
  const row: KeyValueRow = { id: nextRowId++, key, value };
  if (notebookDefault !== undefined) {
    row.notebookDefault = notebookDefault;
  }
  return row;
}

/** What a row sends: the value typed, else the notebook's default. */
export function effectiveValue(row: KeyValueRow): string {
  return row.value.trim() || (row.notebookDefault ?? '').trim();
}

export function rowsFromMap(map: StringMap | undefined): KeyValueRow[] {
  return Object.entries(map ?? {}).map(([k, v]) => makeRow(k, v));
}

/** Split a list typed as text: commas, spaces or new lines. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map(s => s.trim())
    .filter(Boolean);
}

export function initialState(settings: FormSettings): RunFormState {
  return {
    target: 'path',
    path: '',
    notebookId: '',
    instanceType: settings.defaultInstanceType,
    environmentVersion: settings.defaultEnvironmentVersion,
    networkAccessType: settings.defaultNetworkAccessType,
    vpcId: '',
    subnetIds: '',
    securityGroupIds: '',
    timeoutMinutes: String(settings.defaultTimeoutMinutes),
    parameters: [],
    metadata: [],
    notifyOn: [...settings.defaultNotifyOn],
    scheduleIdentifier: '',
    triggerSourceType: '',
    triggerSourceName: '',
    imageVersion: '',
    packages: ''
  };
}

export function rowsToMap(rows: KeyValueRow[]): StringMap {
  const out: StringMap = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (key) {
      out[key] = effectiveValue(row);
    }
  }
  return out;
}

/** The request the form sends; empty optional fields are left out. */
export function toRequest(
  state: RunFormState,
  extra: { clientToken?: string; domainId?: string; projectId?: string } = {}
): StartRunRequest {
  const request: StartRunRequest = {};
  if (state.target === 'notebookId') {
    request.notebookId = state.notebookId.trim();
  } else {
    request.path = state.path;
  }
  if (extra.domainId) {
    request.domainId = extra.domainId;
  }
  if (extra.projectId) {
    request.projectId = extra.projectId;
  }
  if (extra.clientToken) {
    request.clientToken = extra.clientToken;
  }
  const instanceType = state.instanceType.trim();
  const environmentVersion = state.environmentVersion.trim();
  if (instanceType || environmentVersion) {
    request.computeConfiguration = {};
    if (instanceType) {
      request.computeConfiguration.instanceType = instanceType;
    }
    if (environmentVersion) {
      request.computeConfiguration.environmentVersion = environmentVersion;
    }
  }
  request.networkConfiguration = { networkAccessType: state.networkAccessType };
  if (state.networkAccessType === 'VPC_ONLY') {
    request.networkConfiguration.vpcId = state.vpcId.trim();
    const subnets = splitList(state.subnetIds);
    const groups = splitList(state.securityGroupIds);
    if (subnets.length) {
      request.networkConfiguration.subnetIds = subnets;
    }
    if (groups.length) {
      request.networkConfiguration.securityGroupIds = groups;
    }
  }
  const timeout = state.timeoutMinutes.trim();
  if (timeout) {
    request.timeoutConfiguration = { runTimeoutInMinutes: Number(timeout) };
  }
  const parameters = rowsToMap(state.parameters);
  if (Object.keys(parameters).length) {
    request.parameters = parameters;
  }
  const metadata = rowsToMap(state.metadata);
  if (Object.keys(metadata).length) {
    request.metadata = metadata;
  }
  if (state.notifyOn.length) {
    request.notificationConfiguration = { notifyOn: [...state.notifyOn] };
  }
  if (state.scheduleIdentifier.trim()) {
    request.scheduleIdentifier = state.scheduleIdentifier.trim();
  }
  if (state.triggerSourceType || state.triggerSourceName.trim()) {
    request.triggerSource = {};
    if (state.triggerSourceType) {
      request.triggerSource.type = state.triggerSourceType;
    }
    if (state.triggerSourceName.trim()) {
      request.triggerSource.name = state.triggerSourceName.trim();
    }
  }
  request.environmentConfiguration = environmentRequest(
    state.imageVersion,
    state.packages
  );
  return request;
}
