import { TranslationBundle } from '@jupyterlab/translation';

import { LIMITS } from '../api/limits';
import type { EnvironmentConfiguration } from '../api/types';

/** The file beside a notebook that prefills the run's packages. */
export const REQUIREMENTS_FILE = 'requirements.txt';

export const ENVIRONMENT_FIELD = {
  imageVersion: 'environmentConfiguration.imageVersion',
  packages: 'environmentConfiguration.packageConfig.packageSpecification'
} as const;

/** `dir/requirements.txt` for `dir/nb.ipynb` (`requirements.txt` at the root). */
export function requirementsPathFor(notebookPath: string): string {
  const slash = notebookPath.lastIndexOf('/');
  return slash < 0
    ? REQUIREMENTS_FILE
    : `${notebookPath.slice(0, slash)}/${REQUIREMENTS_FILE}`;
}

/**
 * What the form sends. Always a package configuration, an empty one too: the
 * notebook keeps its configuration between runs, so a list emptied in the form
 * must reach the service to empty the notebook's (the server does not call
 * UpdateNotebook when nothing changes).
 */
export function environmentRequest(
  imageVersion: string,
  packages: string
): EnvironmentConfiguration {
  const out: EnvironmentConfiguration = {
    packageConfig: {
      packageManager: LIMITS.packageManagers[0],
      packageSpecification: packages.trim() ? packages : ''
    }
  };
  if (imageVersion.trim()) {
    out.imageVersion = imageVersion.trim();
  }
  return out;
}

/** A run's environment as preset fields (what "last run" and "Run again" apply). */
export function presetFromEnvironment(
  configuration: EnvironmentConfiguration | undefined
): { imageVersion?: string; packages?: string } {
  if (!configuration) {
    return {};
  }
  return {
    imageVersion: configuration.imageVersion ?? '',
    packages: configuration.packageConfig?.packageSpecification ?? ''
  };
}

/** The model's limits, at the fields. */
export function validateEnvironment(
  state: { imageVersion: string; packages: string },
  trans: TranslationBundle
): { [path: string]: string } {
  const errors: { [path: string]: string } = {};
  if (state.packages.length > LIMITS.packageSpecificationMax) {
    errors[ENVIRONMENT_FIELD.packages] = trans.__(
      'At most %1 characters (%2 now).',
      LIMITS.packageSpecificationMax,
      state.packages.length
    );
  }
  return errors;
}
