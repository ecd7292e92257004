/**
 * Fixtures shared by the jest specs. Not a spec itself: jest's testRegex only
 * runs `*.spec.ts(x)` files.
 */
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';

import type { Schedule } from '../api/scheduleTypes';
import type { RunContext } from '../api/types';

/** A weekday-morning schedule as the server lists it. */
export const SCHEDULE: Schedule = {
  name: 'daily-report',
  scheduleId: 'daily-report',
  path: 'reports/daily.ipynb',
  notebookId: 'nb-1',
  expression: 'cron(0 6 ? * MON-FRI *)',
  timezone: 'Europe/Berlin',
  startDate: null,
  endDate: null,
  state: 'ENABLED',
  description: 'weekdays at 06:00 (Europe/Berlin)',
  nextFirings: ['2027-01-04T06:00:00+01:00'],
  createdAt: null,
  updatedAt: null,
  groupName: 'sagerun-local',
  notebookSyncedAt: null,
  runSettings: { parameterNames: [] }
};

/** The local backend's run context, with `patch` applied. */
export const localContext = (patch: Partial<RunContext> = {}): RunContext => ({
  backend: 'local',
  domainId: 'dzd_local',
  projectId: 'local',
  region: 'us-east-1',
  profile: null,
  stagingS3Uri: null,
  endpointUrl: null,
  sources: {},
  vpc: { subnetIds: [], securityGroupIds: [] },
  ...patch
});

/**
 * Types `value` into a controlled input the way a user does: React listens
 * for the input event and ignores a plain `.value =` assignment.
 */
export function setInput(
  input: HTMLInputElement | HTMLTextAreaElement,
  value: string
): void {
  const setter = Object.getOwnPropertyDescriptor(
    input instanceof HTMLTextAreaElement
      ? HTMLTextAreaElement.prototype
      : HTMLInputElement.prototype,
    'value'
  )!.set!;
  setter.call(input, value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

/** A fresh element in the document with a React root on it, for one test. */
export function mountHost(): { host: HTMLDivElement; root: Root } {
  const host = document.createElement('div');
  document.body.appendChild(host);
  return { host, root: createRoot(host) };
}

/** Undoes `mountHost`: unmounts the root and takes the element away. */
export function unmountHost(host: HTMLDivElement, root: Root): void {
  act(() => root.unmount());
  host.remove();
}
