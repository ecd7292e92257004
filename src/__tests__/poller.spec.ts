import { ServerConnection } from '@jupyterlab/services';

import { SageRunClient } from '../api/client';
import type { Run, RunStatus } from '../api/types';
import { isTerminal } from '../api/types';
import { endedSince, needsPolling } from '../model/poller';
import type { IRunsModelOptions } from '../model/runsModel';
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

  // Let the promises of a poll (and of Lumino's Poll scheduling it) settle.
  const flush = async () => {
    for (let i = 0; i < 20; i++) {
      await Promise.resolve();
    }
  };
  const advance = async (ms: number) => {
    await flush();
    jest.advanceTimersByTime(ms);
    await flush();
  };
  // A model polling every second, hidden when the test says so.
  const makeModel = (options: Partial<IRunsModelOptions> = {}) =>
    new RunsModel({
      client,
      pollIntervalMs: 1000,
      isHidden: () => hidden,
      ...options
    });

  it('stops polling once every shown run has ended and never fetches ended runs one by one', async () => {
    list.mockResolvedValueOnce({
      items: [run('a', 'RUNNING'), run('b', 'SUCCEEDED')],
      nextToken: null
    });
    const model = makeModel();
    await model.reload();
    expect(model.polling).toBe(true);
    expect(model.activeCount).toBe(1);

    list.mockResolvedValueOnce({
      items: [run('a', 'SUCCEEDED'), run('b', 'SUCCEEDED')],
      nextToken: null
    });
    await advance(1000);
    expect(list).toHaveBeenCalledTimes(2);
    expect(model.items.map(r => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(model.polling).toBe(false);
    expect(model.activeCount).toBe(0);
    expect(get).not.toHaveBeenCalled();
    model.dispose();
  });

  it('does not poll when everything shown has ended', async () => {
    list.mockResolvedValue({ items: [run('a', 'FAILED')], nextToken: null });
    const model = makeModel();
    await model.reload();
    expect(model.polling).toBe(false);
    await advance(60000);
    expect(list).toHaveBeenCalledTimes(1);
    model.dispose();
  });

  it('pauses while the page is hidden', async () => {
    list.mockResolvedValue({ items: [run('a', 'RUNNING')], nextToken: null });
    const model = makeModel();
    await model.reload();
    hidden = true;
    await advance(1000);
    await advance(60000);
    expect(list).toHaveBeenCalledTimes(1);
    expect(model.polling).toBe(true);

    // Shown again: the next tick asks again.
    hidden = false;
    await advance(1000);
    expect(list).toHaveBeenCalledTimes(2);
    model.dispose();
  });

  it('waits longer while nothing changes, and the base interval again after a change', async () => {
    list.mockResolvedValue({ items: [run('a', 'RUNNING')], nextToken: null });
    const model = makeModel();
    await model.reload();
    expect(model.pollIntervalMs).toBe(1000);
    await advance(1000);
    expect(list).toHaveBeenCalledTimes(2);
    expect(model.pollIntervalMs).toBe(1500);
    await advance(1499);
    expect(list).toHaveBeenCalledTimes(2);
    await advance(1);
    expect(list).toHaveBeenCalledTimes(3);
    expect(model.pollIntervalMs).toBe(2250);

    list.mockResolvedValue({ items: [run('a', 'STOPPING')], nextToken: null });
    await advance(2250);
    expect(list).toHaveBeenCalledTimes(4);
    expect(model.pollIntervalMs).toBe(1000);

    // A new interval from the settings applies from the tick already scheduled
    // on; a base above the idle limit is never shortened.
    model.pollIntervalMs = 120000;
    expect(model.pollIntervalMs).toBe(120000);
    await advance(1000);
    expect(list).toHaveBeenCalledTimes(5);
    await advance(119999);
    expect(list).toHaveBeenCalledTimes(5);
    await advance(1);
    expect(list).toHaveBeenCalledTimes(6);
    expect(model.pollIntervalMs).toBe(120000);
    model.dispose();
  });

  it('backs off after a failed poll, shows the error, and recovers', async () => {
    list.mockResolvedValueOnce({
      items: [run('a', 'RUNNING')],
      nextToken: null
    });
    const model = makeModel();
    await model.reload();
    list.mockRejectedValueOnce(new Error('connection refused'));
    await advance(1000);
    expect(list).toHaveBeenCalledTimes(2);
    expect(model.error?.message).toContain('connection refused');
    // Lumino's Poll waits between one and two intervals after a failure.
    list.mockResolvedValue({ items: [run('a', 'RUNNING')], nextToken: null });
    await advance(999);
    expect(list).toHaveBeenCalledTimes(2);
    await advance(1001);
    expect(list).toHaveBeenCalledTimes(3);
    expect(model.error).toBeNull();
    model.dispose();
  });

  it('stops its poll when disposed', async () => {
    list.mockResolvedValue({ items: [run('a', 'RUNNING')], nextToken: null });
    const model = makeModel();
    await model.reload();
    model.dispose();
    await advance(60000);
    expect(list).toHaveBeenCalledTimes(1);
    expect(model.polling).toBe(false);
  });

  it('notifies once when a run started here ends, and fetches only unended stragglers', async () => {
    list.mockResolvedValueOnce({ items: [], nextToken: null });
    const model = makeModel();
    await model.reload();
    const ended: Run[] = [];
    model.runEnded.connect((_, r) => ended.push(r));
    model.track(run('mine', 'QUEUED', '2026-11-26T23:59:00Z'));
    expect(model.items.map(r => r.id)).toEqual(['mine']);

    list.mockResolvedValueOnce({
      items: [run('mine', 'RUNNING', '2026-11-26T23:59:00Z')],
      nextToken: null
    });
    await advance(0);
    expect(ended).toEqual([]);

    list.mockResolvedValueOnce({
      items: [run('mine', 'SUCCEEDED', '2026-11-26T23:59:00Z')],
      nextToken: null
    });
    await advance(1000);
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
    const model = makeModel();
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
    const first = makeModel({ storage });
    first.track({ ...run('mine', 'QUEUED'), parameters: { secret: 'x' } });
    first.dispose();
    expect(Array.from(store.values()).join()).not.toContain('secret');

    const second = makeModel({ storage });
    expect(second.isTracked('mine')).toBe(true);
    const ended: string[] = [];
    second.runEnded.connect((_, r) => ended.push(r.id));
    get.mockResolvedValue(run('mine', 'FAILED'));
    await second.reload();
    await advance(1000);
    expect(ended).toEqual(['mine']);
    expect(JSON.parse(store.get('jupyter_sagerun:tracked-runs')!)).toEqual({});
    second.dispose();
  });
});
