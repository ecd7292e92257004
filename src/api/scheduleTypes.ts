/**
 * The schedules part of the REST contract under friendly names. Every shape comes
 * from `./schema.ts`, which `jlpm build:types` generates from api/openapi.yaml:
 * change the spec, never a type here.
 */
import type { components } from './schema';
import type { FullRun, ListRunsResponse } from './types';

type Schemas = components['schemas'];

export type Schedule = Schemas['Schedule'];
export type ScheduleState = Schedule['state'];
export type ScheduleRequest = Schemas['ScheduleRequest'];
export type ScheduleList = Schemas['ScheduleList'];
export type SchedulePreviewRequest = Schemas['PreviewRequest'];
export type SchedulePreview = Schemas['SchedulePreview'];
/** `GET sagerun/context`'s `schedules`. */
export type SchedulesAvailability = Schemas['ScheduleAvailability'];

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
