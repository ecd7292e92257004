/**
 * Types mirroring the REST contract of the server extension (DEVELOPERS.md,
 * api/openapi.yaml). Field names follow the DataZone API (camelCase).
 */

export type RunStatus =
  | 'QUEUED'
  | 'STARTING'
  | 'RUNNING'
  | 'STOPPING'
  | 'STOPPED'
  | 'SUCCEEDED'
  | 'FAILED';

export type NetworkAccessType = 'PUBLIC_INTERNET_ONLY' | 'VPC_ONLY';

export type TriggerSourceType = 'MANUAL' | 'SCHEDULED' | 'WORKFLOW';

export type ValueSource =
  | 'request'
  | 'config'
  | 'metadata'
  | 'environment'
  | 'default'
  | 'local';

export interface RunContext {
  backend: 'local' | 'aws';
  domainId: string | null;
  projectId: string | null;
  region: string | null;
  profile: string | null;
  stagingS3Uri: string | null;
  endpointUrl: string | null;
  sources: { [key: string]: ValueSource | string | null };
  vpc?: { subnetIds?: string[]; securityGroupIds?: string[]; vpcId?: string };
}

export interface SmusNotebook {
  id: string;
  name: string;
  status: string;
  createdAt?: string;
  updatedAt?: string;
  path?: string;
}

export interface Page<T> {
  items: T[];
  nextToken?: string | null;
}

export type ListNotebooksResponse = Page<SmusNotebook>;

export interface ComputeConfiguration {
  instanceType?: string;
  environmentVersion?: string;
}

export interface NetworkConfiguration {
  networkAccessType: NetworkAccessType;
  vpcId?: string;
  subnetIds?: string[];
  securityGroupIds?: string[];
}

export interface TimeoutConfiguration {
  runTimeoutInMinutes?: number;
}

export interface NotificationConfiguration {
  notifyOn: RunStatus[];
}

export interface TriggerSource {
  type?: TriggerSourceType;
  name?: string;
}

export type StringMap = { [key: string]: string };

/** DataZone's EnvironmentConfig: set on the notebook (UpdateNotebook) before a run. */
export interface EnvironmentConfiguration {
  imageVersion?: string;
  packageConfig?: {
    packageManager: 'UV';
    /** requirements.txt style: one requirement a line. */
    packageSpecification?: string;
  };
}

export interface RunSettings {
  computeConfiguration?: ComputeConfiguration;
  networkConfiguration?: NetworkConfiguration;
  timeoutConfiguration?: TimeoutConfiguration;
  notificationConfiguration?: NotificationConfiguration;
  scheduleIdentifier?: string;
  triggerSource?: TriggerSource;
  metadata?: StringMap;
  environmentConfiguration?: EnvironmentConfiguration;
}

export interface StartRunRequest extends RunSettings {
  /** A workspace notebook (synced before the run) ... */
  path?: string;
  /** ... or an existing SMUS notebook. */
  notebookId?: string;
  domainId?: string;
  projectId?: string;
  clientToken?: string;
  parameters?: StringMap;
}

export interface Run extends RunSettings {
  id: string;
  domainId: string;
  owningProjectId: string;
  notebookId: string;
  status: RunStatus;
  scheduleId?: string;
  parameterNames?: string[];
  /** Only present when the run was fetched with `reveal=parameters`. */
  parameters?: StringMap;
  error?: { message: string };
  createdAt: string;
  updatedAt?: string;
  startedAt?: string;
  completedAt?: string;
  createdBy?: string;
  path?: string;
}

export type ListRunsResponse = Page<Run>;

export interface ListRunsQuery {
  notebookId?: string;
  path?: string;
  status?: RunStatus;
  nextToken?: string;
  maxResults?: number;
  domainId?: string;
  projectId?: string;
}

export type OutputFormat = 'IPYNB' | 'PDF';

export interface OutputResponse {
  path: string;
  /** `run`: the run's own result; `latestExport`: the notebook's latest export. */
  resultOf: 'run' | 'latestExport';
}

export interface FieldError {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    fields?: FieldError[];
    retryable?: boolean;
    requestId?: string | null;
  };
}

export const TERMINAL_STATES: ReadonlySet<RunStatus> = new Set<RunStatus>([
  'STOPPED',
  'SUCCEEDED',
  'FAILED'
]);

export function isTerminal(status: RunStatus | string): boolean {
  return TERMINAL_STATES.has(status as RunStatus);
}

/** A notebook cell as nbformat spells it: what a run executes of it. */
export interface ICellSource {
  cell_type: string;
  source: string | string[];
}
