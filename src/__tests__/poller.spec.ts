import { ServerConnection } from '@jupyterlab/services';

import { SageRunClient } from '../api/client';
import type { Run, RunStatus } from '../api/types';
import { isTerminal } from '../api/types';
import { Backoff, endedSince, needsPolling } from '../model/poller';
import { RunsModel } from '../model/runsModel';

const run = (
  id: string,
  status: RunStatus,
  createdAt = '2026-11-26T23:00:00Z'
): Run => ({
  id,
  status,
  domainId: 'dzd_local',
  owningProjectId: 'local',
  notebookId: 'nb',
  createdAt,
  path: 'nb.ipynb'
});

describe('terminal states', () => {
  it('knows the three terminal states of the seven', () => {
    const all: RunStatus[] = [
      'QUEUED',
      'STARTING',
      'RUNNING',
      'STOPPING',
      'STOPPED',
      'SUCCEEDED',
      'FAILED'
    ];
    expect(all.filter(isTerminal)).toEqual(['STOPPED', 'SUCCEEDED', 'FAILED']);
  });

  it('polls only while some run has not ended', () => {
    expect(needsPolling([])).toBe(false);
    expect(
      needsPolling([
        run('a', 'SUCCEEDED'),
        run('b', 'FAILED'),
        run('c', 'STOPPED')
      ])
    ).toBe(false);
    expect(needsPolling([run('a', 'SUCCEEDED'), run('b', 'STOPPING')])).toBe(
      true
    );
    expect(needsPolling([run('a', 'QUEUED')])).toBe(true);
  });

  it('reports runs that ended since the last look, once', () => {
    const before = new Map([
      ['a', 'RUNNING'],
      ['b', 'SUCCEEDED'],
      ['c', 'STOPPING']
    ]);
    const ended = endedSince(before, [
      run('a', 'FAILED'),
      run('b', 'SUCCEEDED'),
      run('c', 'STOPPED'),
      run('d', 'SUCCEEDED')
    ]);
    expect(ended.map(r => r.id)).toEqual(['a', 'c']);
  });

  it('backs off while nothing changes and resets on a change', () => {
    const b = new Backoff(1000, 5000, 2);
    expect(b.next(false)).toBe(2000);
    expect(b.next(false)).toBe(4000);
    expect(b.next(false)).toBe(5000);
    expect(b.next(true)).toBe(1000);
    expect(b.failed()).toBe(2000);
  });
});

describe('RunsModel polling', () => {
  let client: SageRunClient;
  let list: jest.SpyInstance;
  let get: jest.SpyInstance;
  let hidden = false;

  beforeEach(() => {
    jest.useFakeTimers();
    hidden = false;
    client = new SageRunClient({
      serverSettings: ServerConnection.makeSettings()
    });
    list = jest.spyOn(client, 'listRuns');
    get = jest.spyOn(client, 'getRun');
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  const flush = async () => {
    for (let i = 0; i < 5; i++) {
      await Promise.resolve();
    }
  };

  it('stops polling once every shown run has ended and never fetches ended runs one by one', async () => {
    list.mockResolvedValueOnce({
      items: [run('a', 'RUNNING'), run('b', 'SUCCEEDED')],
      nextToken: null
    });
    const model = new RunsModel({
      client,
      pollIntervalMs: 1000,
      isHidden: () => hidden
    });
    await model.reload();
    expect(model.polling).toBe(true);
    expect(model.activeCount).toBe(1);

    list.mockResolvedValueOnce({
      items: [run('a', 'SUCCEEDED'), run('b', 'SUCCEEDED')],
      nextToken: null
    });
    jest.advanceTimersByTime(1000);
    await flush();
    expect(list).toHaveBeenCalledTimes(2);
    expect(model.items.map(r => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(model.polling).toBe(false);
    expect(model.activeCount).toBe(0);
    expect(get).not.toHaveBeenCalled();
    model.dispose();
  });

  it('does not poll when everything shown has ended', async () => {
    list.mockResolvedValue({ items: [run('a', 'FAILED')], nextToken: null });
    const model = new RunsModel({
      client,
      pollIntervalMs: 1000,
      isHidden: () => hidden
    });
    await model.reload();
    expect(model.polling).toBe(false);
    jest.advanceTimersByTime(60000);
    await flush();
    expect(list).toHaveBeenCalledTimes(1);
    model.dispose();
  });

  it('pauses while the page is hidden', async () => {
    list.mockResolvedValue({ items: [run('a', 'RUNNING')], nextToken: null });
    const model = new RunsModel({
      client,
      pollIntervalMs: 1000,
      isHidden: () => hidden
    });
    await model.reload();
    hidden = true;
    jest.advanceTimersByTime(1000);
    await flush();
    jest.advanceTimersByTime(60000);
    await flush();
    expect(list).toHaveBeenCalledTimes(1);
    model.dispose();
  });

  it('notifies once when a run started here ends, and fetches only unended stragglers', async () => {
    list.mockResolvedValueOnce({ items: [], nextToken: null });
    const model = new RunsModel({
      client,
      pollIntervalMs: 1000,
      isHidden: () => hidden
    });
    await model.reload();
    const ended: Run[] = [];
    model.runEnded.connect((_, r) => ended.push(r));
    model.track(run('mine', 'QUEUED', '2026-11-26T23:59:00Z'));
    expect(model.items.map(r => r.id)).toEqual(['mine']);

    list.mockResolvedValueOnce({
      items: [run('mine', 'RUNNING', '2026-11-26T23:59:00Z')],
      nextToken: null
    });
    jest.advanceTimersByTime(0);
    await flush();
    expect(ended).toEqual([]);

    list.mockResolvedValueOnce({
      items: [run('mine', 'SUCCEEDED', '2026-11-26T23:59:00Z')],
      nextToken: null
    });
    jest.advanceTimersByTime(1000);
    await flush();
    expect(ended.map(r => `${r.id}:${r.status}`)).toEqual(['mine:SUCCEEDED']);
    expect(model.polling).toBe(false);
    expect(get).not.toHaveBeenCalled();
    model.dispose();
  });

  it('pages with nextToken', async () => {
    list.mockResolvedValueOnce({
      items: [run('a', 'SUCCEEDED')],
      nextToken: 'n1'
    });
    const model = new RunsModel({
      client,
      pollIntervalMs: 1000,
      isHidden: () => hidden
    });
    await model.reload();
    list.mockResolvedValueOnce({
      items: [run('b', 'FAILED')],
      nextToken: null
    });
    await model.loadMore();
    expect(list.mock.calls[1][0]).toMatchObject({ nextToken: 'n1' });
    expect(model.items.map(r => r.id)).toEqual(['a', 'b']);
    expect(model.nextToken).toBeNull();
    model.dispose();
  });

  it('remembers ids of runs started here across a reload, never their settings', async () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v)
    };
    list.mockResolvedValue({ items: [], nextToken: null });
    const first = new RunsModel({
      client,
      pollIntervalMs: 1000,
      isHidden: () => hidden,
      storage
    });
    first.track({ ...run('mine', 'QUEUED'), parameters: { secret: 'x' } });
    first.dispose();
    expect(Array.from(store.values()).join()).not.toContain('secret');

    const second = new RunsModel({
      client,
      pollIntervalMs: 1000,
      isHidden: () => hidden,
      storage
    });
    expect(second.isTracked('mine')).toBe(true);
    const ended: string[] = [];
    second.runEnded.connect((_, r) => ended.push(r.id));
    get.mockResolvedValue(run('mine', 'FAILED'));
    await second.reload();
    jest.advanceTimersByTime(1000);
    await flush();
    expect(ended).toEqual(['mine']);
    expect(JSON.parse(store.get('jupyter_sagerun:tracked-runs')!)).toEqual({});
    second.dispose();
  });
});
