import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';

import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';

import { SageRunClient } from '../api/client';
import type { Run } from '../api/types';
import type { IRunActions } from '../components/RunRow';
import { RunsPanel } from '../components/RunsPanel';
import { RunsModel } from '../model/runsModel';
import {
  inThisWorkspace,
  PLACE_KEY,
  PlaceFilter,
  runsIn
} from '../model/workspaceFilter';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

const trans = nullTranslator.load('jupyter_sagerun');

const run = (id: string, inWorkspace?: boolean): Run => ({
  id,
  status: 'SUCCEEDED',
  domainId: 'dzd_local',
  owningProjectId: 'local',
  notebookId: `nb-${id}`,
  createdAt: '2026-11-26T23:00:00Z',
  path: `${id}.ipynb`,
  ...(inWorkspace === undefined ? {} : { inWorkspace })
});

/** A Storage with only what the filter uses. */
const memoryStorage = () => {
  const values = new Map<string, string>();
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value)
  };
};

describe('the place filter', () => {
  it('counts only an explicit false as another workspace', () => {
    expect(inThisWorkspace(run('a', true))).toBe(true);
    expect(inThisWorkspace(run('a'))).toBe(true);
    expect(inThisWorkspace(run('a', false))).toBe(false);
  });

  it('lists this workspace only, or all of the project', () => {
    const items = [run('here', true), run('there', false), run('old')];
    expect(runsIn(items, 'workspace').map(r => r.id)).toEqual(['here', 'old']);
    expect(runsIn(items, 'project').map(r => r.id)).toEqual([
      'here',
      'there',
      'old'
    ]);
  });

  it('starts with this workspace and remembers the choice in its storage', () => {
    const storage = memoryStorage();
    const first = new PlaceFilter(storage);
    expect(first.value).toBe('workspace');
    first.value = 'project';
    expect(storage.getItem(PLACE_KEY)).toBe('project');
    expect(new PlaceFilter(storage).value).toBe('project');
    expect(new PlaceFilter(null).value).toBe('workspace');
  });

  it('a storage that refuses to write keeps the choice for the session', () => {
    const filter = new PlaceFilter({
      getItem: () => 'garbage',
      setItem: () => {
        throw new Error('QuotaExceededError');
      }
    });
    expect(filter.value).toBe('workspace');
    filter.value = 'project';
    expect(filter.value).toBe('project');
  });
});

describe('the Runs view with runs of another workspace', () => {
  let container: HTMLDivElement;
  let root: Root;
  let model: RunsModel;
  let actions: IRunActions;

  beforeEach(async () => {
    const client = new SageRunClient({
      serverSettings: ServerConnection.makeSettings()
    });
    jest.spyOn(client, 'listRuns').mockResolvedValue({
      items: [run('here', true), run('there', false)],
      nextToken: null
    });
    model = new RunsModel({
      client,
      pollIntervalMs: 1000,
      isHidden: () => true,
      storage: memoryStorage()
    });
    await model.reload();
    actions = {
      stop: jest.fn(),
      runAgain: jest.fn(),
      openResult: jest.fn(),
      diff: jest.fn(),
      reveal: jest.fn(),
      load: jest.fn()
    };
    container = document.createElement('div');
    document.body.appendChild(container);
    root = createRoot(container);
    await act(async () => {
      root.render(
        <RunsPanel
          model={model}
          trans={trans}
          actions={actions}
          highlighted={null}
        />
      );
    });
  });
  afterEach(() => {
    act(() => root.unmount());
    container.remove();
    model.dispose();
  });

  const rows = () =>
    Array.from(
      container.querySelectorAll<HTMLElement>('[data-testid="sagerun-run-row"]')
    );
  const place = () =>
    container.querySelector<HTMLSelectElement>(
      '[data-testid="sagerun-filter-place"]'
    )!;

  it('hides them by default and says how many are hidden', () => {
    expect(place().value).toBe('workspace');
    expect(rows().map(r => r.dataset.runId)).toEqual(['here']);
    expect(
      container.querySelector('[data-testid="sagerun-runs-elsewhere"]')
        ?.textContent
    ).toContain('1 run of a notebook in another workspace is hidden');
  });

  it('shows them under All of the project, marked, without what would open their notebook', async () => {
    await act(async () => {
      place().value = 'project';
      place().dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(model.place).toBe('project');
    const [here, there] = rows();
    expect([here.dataset.runId, there.dataset.runId]).toEqual([
      'here',
      'there'
    ]);
    expect(there.dataset.inWorkspace).toBe('false');
    expect(
      there.querySelector('[data-testid="sagerun-run-elsewhere"]')?.textContent
    ).toBe('not in this workspace');
    expect(here.querySelector('[data-testid="sagerun-run-elsewhere"]')).toBe(
      null
    );
    // Run again and the diff open the notebook's path: not for another root's file.
    expect(there.querySelector('[data-testid="sagerun-run-again"]')).toBe(null);
    expect(there.querySelector('[data-testid="sagerun-run-diff"]')).toBe(null);
    expect(here.querySelector('[data-testid="sagerun-run-again"]')).not.toBe(
      null
    );
    expect(here.querySelector('[data-testid="sagerun-run-diff"]')).not.toBe(
      null
    );
    expect(
      container.querySelector('[data-testid="sagerun-runs-elsewhere"]')
    ).toBe(null);
  });
});
