/**
 * What the run form starts with, decided from what the widget gathered: the server's
 * context, the notebook, its last run, requirements.txt beside it, and the run being
 * run again. Pure: the widget fetches, this decides, so the policy reads (and is
 * tested) in one place. The order of precedence, lowest first:
 *
 *   settings' defaults < default preset < last run of this notebook
 *     < requirements.txt (packages) < the notebook's parameters cell < the re-run run
 *
 * and the VPC's subnets and security groups come from the context when nothing
 * above set them.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { SageRunApiError } from '../api/errors';
import type { Run, RunContext } from '../api/types';
import { requirementsPathFor } from './environment';
import { FormSettings, initialState, makeRow, RunFormState } from './formState';
import { applyPreset, presetFromRun } from './presets';
import { ParametersCell, readParametersCell } from './paramsCell';

/** A problem found before submitting: an error blocks the run, a warning does not. */
export interface IPreSubmitCheck {
  severity: 'error' | 'warning';
  message: string;
  /** Only about the workspace file (not when an existing SMUS notebook runs). */
  pathOnly?: boolean;
}

/** Where the packages field's text came from, said at the field. */
export type PackagesSource = 'requirements' | 'lastRun' | null;

/** What the widget gathered; a fetch that failed is a rejected result. */
export interface IPrefillInputs {
  settings: FormSettings;
  /** The notebook's workspace path; empty for a re-run of a SMUS notebook. */
  path: string;
  rerun?: Run;
  context: PromiseSettledResult<RunContext>;
  /** The notebook's JSON; null when there is no path to read. */
  notebook: PromiseSettledResult<any> | null;
  /** The last run of this notebook (not fetched on a re-run). */
  lastRun: Run | null;
  /** requirements.txt beside the notebook; null when there is none. */
  requirements: string | null;
}

/** What the form starts with. */
export interface IPrefill {
  context: RunContext | null;
  contextError: string | null;
  initial: RunFormState;
  cell: ParametersCell;
  checks: IPreSubmitCheck[];
  packagesSource: PackagesSource;
  requirementsPath: string | null;
}

export function errorMessage(reason: unknown): string {
  if (reason instanceof SageRunApiError) {
    return reason.message;
  }
  return reason instanceof Error ? reason.message : String(reason);
}

/**
 * The checks to show: the gathered ones, after a warning while the open notebook has
 * unsaved changes (they are saved before a run of the workspace file).
 */
export function checksNow(
  gathered: IPreSubmitCheck[],
  dirty: boolean,
  trans: TranslationBundle
): IPreSubmitCheck[] {
  if (!dirty) {
    return gathered;
  }
  const unsaved: IPreSubmitCheck = {
    severity: 'warning',
    pathOnly: true,
    message: trans.__(
      'The notebook has unsaved changes: "Save and run" saves them first, so the run uses what you see.'
    )
  };
  return [unsaved, ...gathered];
}

/** The form's starting state, checks and context from what the widget gathered. */
export function prefill(
  inputs: IPrefillInputs,
  trans: TranslationBundle
): IPrefill {
  const context = contextOf(inputs.context, trans);
  const notebook = notebookOf(inputs.notebook, inputs.path, trans);
  const { state, packagesSource } = initialFormState(
    inputs,
    notebook.cell,
    context.context
  );
  return {
    context: context.context,
    contextError: context.error,
    initial: state,
    cell: notebook.cell,
    checks: [...context.checks, ...notebook.checks],
    packagesSource,
    requirementsPath:
      inputs.requirements !== null ? requirementsPathFor(inputs.path) : null
  };
}

/** The context, or why it is unknown; an error check when no run could go anywhere. */
export function contextOf(
  settled: PromiseSettledResult<RunContext>,
  trans: TranslationBundle
): {
  context: RunContext | null;
  error: string | null;
  checks: IPreSubmitCheck[];
} {
  if (settled.status === 'rejected') {
    const error = errorMessage(settled.reason);
    return {
      context: null,
      error,
      checks: [
        {
          severity: 'error',
          message: trans.__('Where the run would go is unknown: %1', error)
        }
      ]
    };
  }
  const context = settled.value;
  const missing = [
    context.domainId ? '' : trans.__('domain'),
    context.projectId ? '' : trans.__('project')
  ].filter(Boolean);
  const checks: IPreSubmitCheck[] = missing.length
    ? [
        {
          severity: 'error',
          message: trans.__(
            'No %1 is configured: set c.SageRun.domain_id and c.SageRun.project_id, or open JupyterLab in a SageMaker Unified Studio space.',
            missing.join(trans.__(' and '))
          )
        }
      ]
    : [];
  return { context, error: null, checks };
}

/** The notebook's parameters cell, and an error check when it cannot run as is. */
export function notebookOf(
  settled: PromiseSettledResult<any> | null,
  path: string,
  trans: TranslationBundle
): { cell: ParametersCell; checks: IPreSubmitCheck[] } {
  const none: ParametersCell = { found: false, parameters: [] };
  if (settled === null) {
    return { cell: none, checks: [] };
  }
  if (settled.status === 'rejected') {
    return {
      cell: none,
      checks: [
        {
          severity: 'error',
          pathOnly: true,
          message: trans.__(
            'Could not read %1: %2',
            path,
            errorMessage(settled.reason)
          )
        }
      ]
    };
  }
  const nb = settled.value ?? {};
  const checks: IPreSubmitCheck[] = nb.metadata?.kernelspec?.name
    ? []
    : [
        {
          severity: 'error',
          pathOnly: true,
          message: trans.__(
            'The notebook has no kernelspec: open it, select a kernel and save it.'
          )
        }
      ];
  return { cell: readParametersCell(nb), checks };
}

/** The form's fields, in the order of precedence the module's comment gives. */
export function initialFormState(
  inputs: Pick<
    IPrefillInputs,
    'settings' | 'path' | 'rerun' | 'lastRun' | 'requirements'
  >,
  cell: ParametersCell,
  context: RunContext | null
): { state: RunFormState; packagesSource: PackagesSource } {
  const { settings, rerun, lastRun, requirements } = inputs;
  let state = initialState(settings);
  const preset = settings.presets.find(p => p.name === settings.defaultPreset);
  if (preset) {
    state = applyPreset(state, { ...preset, parameterNames: undefined });
  }
  let packagesSource: PackagesSource = null;
  if (lastRun) {
    state = applyPreset(state, presetFromRun(lastRun));
    if (state.packages) {
      packagesSource = 'lastRun';
    }
  }
  // The file beside the notebook says what it needs, whatever ran last.
  if (requirements !== null && !rerun) {
    state.packages = requirements;
    packagesSource = 'requirements';
  }
  state.path = inputs.path;
  // The cell's values are defaults the file shows anyway: placeholders, not values.
  state.parameters = cell.parameters.map(p => makeRow(p.name, '', p.value));
  if (rerun) {
    state = withRerun(state, rerun, inputs.path);
  }
  return { state: withContextVpc(state, context), packagesSource };
}

/** Run again: the run's settings and revealed parameters over everything else. */
function withRerun(
  state: RunFormState,
  rerun: Run,
  path: string
): RunFormState {
  const next = applyPreset(state, presetFromRun(rerun));
  if (rerun.parameters) {
    next.parameters = Object.entries(rerun.parameters).map(([k, v]) =>
      makeRow(k, v)
    );
  }
  if (!path) {
    next.target = 'notebookId';
    next.notebookId = rerun.notebookId;
  }
  return next;
}

/**
 * Subnets and security groups start from the SMUS context where it gives them; the
 * context has no VPC id (the space metadata does not say), so that field stays as
 * the user, a preset or a rerun fills it.
 */
function withContextVpc(
  state: RunFormState,
  context: RunContext | null
): RunFormState {
  const vpc = context?.vpc;
  if (!vpc) {
    return state;
  }
  const next = { ...state };
  if (!next.subnetIds && vpc.subnetIds?.length) {
    next.subnetIds = vpc.subnetIds.join(', ');
  }
  if (!next.securityGroupIds && vpc.securityGroupIds?.length) {
    next.securityGroupIds = vpc.securityGroupIds.join(', ');
  }
  return next;
}
