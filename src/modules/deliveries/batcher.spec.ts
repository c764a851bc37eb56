import { Batcher } from './batcher';

/** A run whose batches finish only when the test says so. */
function controlledRun() {
  const batches: number[][] = [];
  const finishers: (() => void)[] = [];
  const run = (items: number[]) => {
    batches.push(items);
    return new Promise<number[]>((resolve) =>
      finishers.push(() => resolve(items.map((i) => i * 10))),
    );
  };
  return { run, batches, finish: (n: number) => finishers[n]() };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
/** Lets the event loop turn until `cond` holds (a batch starts on a later turn, never sooner). */
async function turnsUntil(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 20 && !cond(); i++) await turn();
}

describe('Batcher', () => {
  it('runs calls made in the same turn of the event loop as one batch, answering each in order', async () => {
    const b = new Batcher((items: number[]) => Promise.resolve(items.map((i) => i * 2)), {
      maxBatch: 10,
      maxInFlight: 1,
    });
    const calls: number[][] = [];
    const spy = new Batcher(
      (items: number[]) => {
        calls.push(items);
        return Promise.resolve(items.map((i) => i + 100));
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    await expect(Promise.all([b.add(1), b.add(2), b.add(3)])).resolves.toEqual([2, 4, 6]);
    await expect(Promise.all([spy.add(1), spy.add(2)])).resolves.toEqual([101, 102]);
    expect(calls).toEqual([[1, 2]]);
  });

  it('runs a lone call on its own without waiting for company', async () => {
    const c = controlledRun();
    const b = new Batcher(c.run, { maxBatch: 10, maxInFlight: 1 });
    const one = b.add(7);
    await turn();
    expect(c.batches).toEqual([[7]]);
    c.finish(0);
    await expect(one).resolves.toBe(70);
  });

  it('sends calls made while a batch is in flight together in the next batch', async () => {
    const c = controlledRun();
    const b = new Batcher(c.run, { maxBatch: 10, maxInFlight: 1 });
    const first = b.add(1);
    await turn();
    const later = [b.add(2), b.add(3), b.add(4)];
    await turn();
    expect(c.batches).toEqual([[1]]);
    c.finish(0);
    await first;
    await turnsUntil(() => c.batches.length === 2);
    expect(c.batches).toEqual([[1], [2, 3, 4]]);
    c.finish(1);
    await expect(Promise.all(later)).resolves.toEqual([20, 30, 40]);
  });

  it('keeps batches at maxBatch items and runs up to maxInFlight of them at once', async () => {
    const c = controlledRun();
    const b = new Batcher(c.run, { maxBatch: 2, maxInFlight: 2 });
    const all = [1, 2, 3, 4, 5].map((i) => b.add(i));
    await turn();
    expect(c.batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    c.finish(0);
    await turnsUntil(() => c.batches.length === 3);
    expect(c.batches).toEqual([[1, 2], [3, 4], [5]]);
    c.finish(1);
    c.finish(2);
    await expect(Promise.all(all)).resolves.toEqual([10, 20, 30, 40, 50]);
  });

  it('rejects every call of a failed batch, and only those', async () => {
    let fail = true;
    const b = new Batcher(
      (items: number[]) =>
        fail ? Promise.reject(new Error('boom')) : Promise.resolve(items.map((i) => -i)),
      { maxBatch: 10, maxInFlight: 1 },
    );
    const failed = [b.add(1), b.add(2)];
    await expect(failed[0]).rejects.toThrow('boom');
    await expect(failed[1]).rejects.toThrow('boom');
    fail = false;
    await expect(b.add(3)).resolves.toBe(-3);
  });

  it('rejects a batch whose run answers the wrong number of items', async () => {
    const b = new Batcher((items: number[]) => Promise.resolve(items.slice(1)), {
      maxBatch: 10,
      maxInFlight: 1,
    });
    await expect(Promise.all([b.add(1), b.add(2)])).rejects.toThrow('1 results for 2 items');
  });
});
