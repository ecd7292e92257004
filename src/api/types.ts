/**
 * The REST contract's types under friendly names. Every shape comes from
 * `./schema.ts`, which `jlpm build:types` generates from api/openapi.yaml (the
 * source of truth; CI checks the generated file is current): change the spec,
 * never a type here.
 */
import type { components, operations } from './schema';

type Schemas = components['schemas'];
/** The query parameters an operation of the spec takes. */
type QueryOf<Op extends keyof operations> = NonNullable<
  operations[Op]['parameters']['query']
>;

export type RunStatus = Schemas['RunStatus'];
export type ValueSource = Schemas['Source'];

export type RunContext = Schemas['Context'];

export type SmusNotebook = Schemas['Notebook'];
export type ListNotebooksResponse = Schemas['NotebookList'];
export type ListNotebooksQuery = QueryOf<'listNotebooks'>;

export type ComputeConfiguration = Schemas['ComputeConfiguration'];
export type NetworkConfiguration = Schemas['NetworkConfiguration'];
export type NetworkAccessType = NonNullable<
  NetworkConfiguration['networkAccessType']
>;
export type TimeoutConfiguration = Schemas['TimeoutConfiguration'];
export type NotificationConfiguration = Schemas['NotificationConfiguration'];
export type TriggerSource = Schemas['TriggerSource'];
export type TriggerSourceType = NonNullable<TriggerSource['type']>;
export type StringMap = Schemas['StringMap'];
/** DataZone's EnvironmentConfig: set on the notebook (UpdateNotebook) before a run. */
export type EnvironmentConfiguration = Schemas['EnvironmentConfiguration'];

export type StartRunRequest = Schemas['StartRunRequest'];

/** The run settings of a request that the form and presets edit. */
export type RunSettings = Pick<
  StartRunRequest,
  | 'computeConfiguration'
  | 'networkConfiguration'
  | 'timeoutConfiguration'
  | 'notificationConfiguration'
  | 'scheduleIdentifier'
  | 'triggerSource'
  | 'metadata'
  | 'environmentConfiguration'
>;

/**
 * A run as the panel holds it: a list item (DataZone's summary), or a full run
 * (POST, GET one, stop), which adds `parameterNames` and the settings.
 */
export type Run = Schemas['RunSummary'];
/** A run as POST, GET one and stop answer it. */
export type FullRun = Schemas['Run'];
export type ListRunsResponse = Schemas['RunList'];
export type ListRunsQuery = QueryOf<'listRuns'>;

export type StopRequest = Schemas['StopRequest'];
export type OutputRequest = Schemas['OutputRequest'];
export type OutputFormat = NonNullable<OutputRequest['format']>;
export type OutputResponse = Schemas['OutputResult'];

export type ErrorBody = Schemas['Error'];
export type FieldError = ErrorBody['error']['fields'][number];

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
