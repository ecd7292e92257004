import raw from './limits.json';

import type { NetworkAccessType, RunStatus, TriggerSourceType } from './types';

/** AWS matches a model pattern against the whole value. */
function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/**
 * The StartNotebookRun limits, generated from botocore's DataZone model by
 * scripts/generate_limits.py. Never retype a limit: read it from here.
 */
export const LIMITS = {
  instanceType: anchored(raw.instanceType.pattern),
  scheduleIdentifier: anchored(raw.scheduleIdentifier.pattern),
  notebookIdentifier: anchored(raw.notebookIdentifier.pattern),
  domainIdentifier: anchored(raw.domainIdentifier.pattern),
  projectIdentifier: anchored(raw.owningProjectIdentifier.pattern),
  clientToken: {
    min: raw.clientToken.min,
    max: raw.clientToken.max,
    pattern: anchored(raw.clientToken.pattern)
  },
  timeout: {
    min: raw.runTimeoutInMinutes.min,
    max: raw.runTimeoutInMinutes.max,
    /** The service's default when a run names none (the model's documentation). */
    default: raw.runTimeoutInMinutes.default
  },
  parameters: {
    maxEntries: raw.parameters.maxEntries,
    keyMax: raw.parameters.key.max,
    valueMax: raw.parameters.value.max
  },
  metadata: {
    maxEntries: raw.metadata.maxEntries,
    keyMax: raw.metadata.key.max,
    valueMax: raw.metadata.value.max
  },
  subnetIdsMax: raw.subnetIds.maxItems,
  securityGroupIdsMax: raw.securityGroupIds.maxItems,
  networkAccessTypes: raw.networkAccessType.enum as NetworkAccessType[],
  notifyOn: raw.notifyOn.enum as RunStatus[],
  triggerSourceTypes: raw.triggerSourceType.enum as TriggerSourceType[],
  runStatuses: raw.runStatus.enum as RunStatus[],
  /** UpdateNotebook's environmentConfiguration (the run's packages). */
  packageSpecificationMax: raw.packageSpecification.max,
  packageManagers: raw.packageManager.enum as 'UV'[]
} as const;
