import { ServerConnection } from '@jupyterlab/services';

import { SageRunClient } from '../api/client';
import type { ICellSource } from '../api/types';
import { sameCells, waitUntilOnDisk } from '../model/onDisk';

const code = (source: string | string[]): ICellSource => ({
  cell_type: 'code',
  source
});

/** A clock that moves only when the waiter sleeps. */
function fakeClock() {
  let t = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    }
  };
}

describe('sameCells', () => {
  it('compares types and sources, joining nbformat line lists', () => {
    expect(sameCells([code(['a = 1\n', 'b'])], [code('a = 1\nb')])).toBe(true);
    expect(sameCells([code('a')], [code('b')])).toBe(false);
    expect(
      sameCells([code('a')], [{ cell_type: 'markdown', source: 'a' }])
    ).toBe(false);
    expect(sameCells([code('a')], [code('a'), code('')])).toBe(false);
  });
});

describe('waitUntilOnDisk', () => {
  it('answers at once when the disk already has what is shown', async () => {
    const clock = fakeClock();
    const read = jest.fn(async () => [code('x = 2')]);
    expect(await waitUntilOnDisk(read, () => [code('x = 2')], clock)).toBe(
      true
    );
    expect(read).toHaveBeenCalledTimes(1);
    expect(clock.slept).toEqual([]);
  });

  it('reads again until the collaboration layer has saved the edit', async () => {
    const clock = fakeClock();
    const disk = [[code('old')], [code('old')], [code('new')]];
    const read = jest.fn(async () => disk.shift() ?? []);
    const ok = await waitUntilOnDisk(read, () => [code('new')], {
      ...clock,
      intervalMs: 100
    });
    expect(ok).toBe(true);
    expect(read).toHaveBeenCalledTimes(3);
    expect(clock.slept).toEqual([100, 100]);
  });

  it('gives up at the deadline, after a last read', async () => {
    const clock = fakeClock();
    const read = jest.fn(async () => [code('old')]);
    const ok = await waitUntilOnDisk(read, () => [code('new')], {
      ...clock,
      timeoutMs: 250,
      intervalMs: 100
    });
    expect(ok).toBe(false);
    expect(clock.slept).toEqual([100, 100, 50]);
    expect(read).toHaveBeenCalledTimes(4);
  });
});

describe('SageRunClient.readNotebookCells', () => {
  it('reads the file through the REST contents API, not the sagerun routes', async () => {
    const client = new SageRunClient({
      serverSettings: ServerConnection.makeSettings({
        baseUrl: 'http://localhost:8888/base/'
      })
    });
    const makeRequest = jest
      .spyOn(ServerConnection, 'makeRequest')
      .mockResolvedValue(
        new Response(JSON.stringify({ content: { cells: [code('a')] } }), {
          status: 200
        })
      );
    try {
      expect(await client.readNotebookCells('dir/my nb.ipynb')).toEqual([
        code('a')
      ]);
      expect(makeRequest.mock.calls[0][0]).toBe(
        'http://localhost:8888/base/api/contents/dir/my%20nb.ipynb?type=notebook&content=1'
      );
    } finally {
      makeRequest.mockRestore();
    }
  });
});
