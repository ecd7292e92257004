/**
 * Where the run form's prefill comes from, read through the Contents API and the
 * REST client: plain functions, so that model/prefill.ts decides and the widget only
 * gathers.
 */
import type { Contents } from '@jupyterlab/services';

import type { SageRunClient } from '../api/client';
import type { Run } from '../api/types';
import { requirementsPathFor } from './environment';

/** The notebook's JSON as it is on disk (the open panel's model is read instead). */
export async function notebookOnDisk(
  contents: Contents.IManager,
  path: string
): Promise<unknown> {
  const model = await contents.get(path, { content: true, type: 'notebook' });
  return model.content;
}

/**
 * The settings of the last run of ``path``, from the server: nothing is remembered
 * in the browser, and parameter values are not fetched.
 */
export async function lastRunOf(
  client: Pick<SageRunClient, 'listRuns' | 'getRun'>,
  path: string
): Promise<Run | null> {
  const page = await client.listRuns({ path, maxResults: 1 });
  const first = page.items[0];
  return first ? client.getRun(first.id) : null;
}

/** requirements.txt beside the notebook, or null when there is none. */
export async function requirementsBeside(
  contents: Pick<Contents.IManager, 'get'>,
  notebookPath: string
): Promise<string | null> {
  if (!notebookPath) {
    return null;
  }
  const path = requirementsPathFor(notebookPath);
  const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  try {
    // The folder's listing first: asking for a file that is not there answers 404,
    // which the browser reports as a console error on every form of such a notebook.
    const listing = await contents.get(folder, {
      content: true,
      type: 'directory'
    });
    const entries: Contents.IModel[] = Array.isArray(listing.content)
      ? listing.content
      : [];
    if (!entries.some(entry => entry.path === path && entry.type === 'file')) {
      return null;
    }
    const model = await contents.get(path, {
      content: true,
      type: 'file',
      format: 'text'
    });
    return typeof model.content === 'string' ? model.content : null;
  } catch {
    return null;
  }
}
