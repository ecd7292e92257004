/**
 * The schedules part of the REST contract, typed by hand until api/openapi.yaml
 * describes it: then these become aliases of the generated `./schema.ts` shapes,
 * like `./types.ts`. Nothing else in src/ spells these shapes out.
 */
import type { FullRun, ListRunsResponse, StartRunRequest } from './types';

export type ScheduleState = 'ENABLED' | 'DISABLED';

/** The run settings a schedule keeps: those of POST sagerun/runs. */
type ScheduleRunFields = Pick<
  StartRunRequest,
  | 'computeConfiguration'
  | 'networkConfiguration'
  | 'timeoutConfiguration'
  | 'parameters'
  | 'metadata'
  | 'notificationConfiguration'
  | 'environmentConfiguration'
>;

/** The body of POST sagerun/schedules and PUT sagerun/schedules/{name}. */
export interface ScheduleRequest extends ScheduleRunFields {
  name?: string;
  path: string;
  expression: string;
  timezone?: string;
  startDate?: string | null;
  endDate?: string | null;
  state?: ScheduleState;
  description?: string | null;
}

/** What a schedule runs with; parameter values never come back to the browser. */
export type ScheduleRunSettings = Omit<ScheduleRunFields, 'parameters'> & {
  parameterNames?: string[];
};

export interface Schedule {
  name: string;
  path: string;
  notebookId?: string | null;
  /** The identifier its runs carry as `scheduleId`. */
  scheduleId?: string | null;
  expression: string;
  timezone: string;
  startDate?: string | null;
  endDate?: string | null;
  state: ScheduleState;
  description: string;
  nextFirings: string[];
  createdAt?: string | null;
  updatedAt?: string | null;
  groupName?: string | null;
  notebookSyncedAt?: string | null;
  runSettings?: ScheduleRunSettings | null;
}

export interface ScheduleList {
  schedules: Schedule[];
}

export interface SchedulePreviewRequest {
  expression: string;
  timezone?: string;
  startDate?: string;
  endDate?: string;
  count?: number;
}

export interface SchedulePreview {
  description: string;
  nextFirings: string[];
}

/** `GET sagerun/context`'s `schedules`. */
export interface SchedulesAvailability {
  available: boolean;
  reason?: string | null;
  roleArn?: string | null;
  roleSource?: 'config' | 'space' | 'local' | null;
}

/** What the schedule views and the form ask of the server (SageRunClient does it). */
export interface IScheduleApi {
  listSchedules(query?: { path?: string }): Promise<ScheduleList>;
  createSchedule(body: ScheduleRequest): Promise<Schedule>;
  updateSchedule(name: string, body: ScheduleRequest): Promise<Schedule>;
  deleteSchedule(name: string): Promise<void>;
  pauseSchedule(name: string): Promise<Schedule>;
  resumeSchedule(name: string): Promise<Schedule>;
  runScheduleNow(name: string): Promise<FullRun>;
  previewSchedule(body: SchedulePreviewRequest): Promise<SchedulePreview>;
  /** GET sagerun/runs?scheduleId=: the runs a schedule started, newest first. */
  listScheduleRuns(scheduleId: string): Promise<ListRunsResponse>;
}
