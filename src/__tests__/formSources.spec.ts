import { nullTranslator } from '@jupyterlab/translation';
import type { Contents } from '@jupyterlab/services';

import type { SageRunClient } from '../api/client';
import type { Schedule } from '../api/scheduleTypes';
import type { Run, StartRunRequest } from '../api/types';
import { DEFAULT_SETTINGS, initialState } from '../model/formState';
import { lastRunOf, requirementsBeside } from '../model/formSources';
import { checksNow, IPreSubmitCheck } from '../model/prefill';
import { initialScheduleState, ScheduleFormState } from '../model/scheduleForm';
import { RunSubmitter } from '../model/submitter';
import { submitForm } from '../widgets/submitForm';

const trans = nullTranslator.load('jupyter_sagerun');

/** A Contents manager over a map of path → text; folders are derived. */
function contentsOf(files: Record<string, string>) {
  const asked: string[] = [];
  const get = async (
    path: string,
    options?: Contents.IFetchOptions
  ): Promise<Contents.IModel> => {
    asked.push(`${options?.type}:${path}`);
    if (options?.type === 'directory') {
      const inside = Object.keys(files).filter(
        p => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') === path
      );
      return {
        path,
        type: 'directory',
        content: inside.map(p => ({ path: p, type: 'file' }))
      } as unknown as Contents.IModel;
    }
    if (!(path in files)) {
      throw new Error(`404 ${path}`);
    }
    return { path, type: 'file', content: files[path] } as Contents.IModel;
  };
  return { get, asked };
}

describe('requirementsBeside', () => {
  it('reads requirements.txt in the notebook folder', async () => {
    const contents = contentsOf({
      'dir/requirements.txt': 'pandas==2.2\n',
      'dir/nb.ipynb': '{}'
    });
    expect(await requirementsBeside(contents, 'dir/nb.ipynb')).toBe(
      'pandas==2.2\n'
    );
  });

  it('lists the folder first and never asks for a file that is not there', async () => {
    const contents = contentsOf({ 'dir/nb.ipynb': '{}' });
    expect(await requirementsBeside(contents, 'dir/nb.ipynb')).toBeNull();
    expect(contents.asked).toEqual(['directory:dir']);
  });

  it('is null without a path or when the folder cannot be read', async () => {
    expect(await requirementsBeside(contentsOf({}), '')).toBeNull();
    expect(await requirementsBeside(contentsOf({}), 'gone/nb.ipynb')).toBe(
      null
    );
  });
});

describe('lastRunOf', () => {
  const run = { id: 'run-7', status: 'SUCCEEDED' } as Run;

  it('fetches the newest run of the path in full', async () => {
    const asked: unknown[] = [];
    const client = {
      listRuns: async (query: unknown) => {
        asked.push(query);
        return { items: [{ id: 'run-7' }] };
      },
      getRun: async (id: string) => ({ ...run, id })
    } as unknown as Pick<SageRunClient, 'listRuns' | 'getRun'>;
    expect(await lastRunOf(client, 'a/b.ipynb')).toEqual(run);
    expect(asked).toEqual([{ path: 'a/b.ipynb', maxResults: 1 }]);
  });

  it('is null for a notebook that never ran', async () => {
    const client = {
      listRuns: async () => ({ items: [] }),
      getRun: async () => {
        throw new Error('not asked');
      }
    } as unknown as Pick<SageRunClient, 'listRuns' | 'getRun'>;
    expect(await lastRunOf(client, 'a.ipynb')).toBeNull();
  });
});

describe('checksNow', () => {
  const gathered: IPreSubmitCheck[] = [{ severity: 'error', message: 'x' }];

  it('adds the unsaved-changes warning first while the notebook is dirty', () => {
    const checks = checksNow(gathered, true, trans);
    expect(checks).toHaveLength(2);
    expect(checks[0]).toMatchObject({ severity: 'warning', pathOnly: true });
    expect(checks[0].message).toContain('unsaved changes');
    expect(checks[1]).toBe(gathered[0]);
  });

  it('is what was gathered when there is nothing unsaved', () => {
    expect(checksNow(gathered, false, trans)).toEqual(gathered);
  });
});

describe('submitForm', () => {
  const state = { ...initialState(DEFAULT_SETTINGS), path: 'nb.ipynb' };

  function deps() {
    const calls: string[] = [];
    const client = {
      readNotebookCells: async () => [],
      createSchedule: async (body: unknown) => {
        calls.push('create');
        return { name: 'made', body } as unknown as Schedule;
      },
      updateSchedule: async (name: string) => {
        calls.push(`update ${name}`);
        return { name } as unknown as Schedule;
      }
    };
    const submitter = new RunSubmitter(async (request: StartRunRequest) => {
      calls.push(`start ${request.path}`);
      return { id: 'run-1' } as Run;
    });
    return {
      calls,
      deps: {
        trans,
        client,
        path: 'nb.ipynb',
        panel: null,
        submitter,
        onStarted: (run: Run) => calls.push(`started ${run.id}`),
        onScheduled: (s: Schedule) => calls.push(`scheduled ${s.name}`),
        onClose: () => calls.push('closed')
      }
    };
  }

  it('starts a run, reports it, then closes', async () => {
    const { calls, deps: d } = deps();
    const phases: string[] = [];
    await submitForm(d, state, initialScheduleState('nb.ipynb'), p =>
      phases.push(p)
    );
    expect(phases).toEqual(['starting']);
    expect(calls).toEqual(['start nb.ipynb', 'started run-1', 'closed']);
  });

  it('creates a schedule, or saves the one being edited', async () => {
    const scheduled: ScheduleFormState = {
      ...initialScheduleState('nb.ipynb'),
      when: 'schedule'
    };
    const first = deps();
    await submitForm(first.deps, state, scheduled, () => undefined);
    expect(first.calls).toEqual(['create', 'scheduled made', 'closed']);
    const second = deps();
    await submitForm(
      second.deps,
      state,
      { ...scheduled, editing: 'nightly' },
      () => undefined
    );
    expect(second.calls).toEqual([
      'update nightly',
      'scheduled nightly',
      'closed'
    ]);
  });

  it('keeps the form open when the start fails', async () => {
    const { calls, deps: d } = deps();
    d.submitter = new RunSubmitter(async () => {
      throw new Error('refused');
    });
    await expect(
      submitForm(d, state, initialScheduleState('nb.ipynb'), () => undefined)
    ).rejects.toThrow('refused');
    expect(calls).not.toContain('closed');
  });
});
