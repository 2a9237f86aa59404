import { CopyQueue } from './copy-batches';

/** A COPY that ends when the test says so, recording when it ran. */
function gate(
  log: string[],
  name: string,
): { copy: () => Promise<void>; end: (error?: Error) => void } {
  let finish: (error?: Error) => void = () => undefined;
  const ended = new Promise<void>((resolve, reject) => {
    finish = (error) => (error ? reject(error) : resolve());
  });
  return {
    copy: async () => {
      log.push(`start ${name}`);
      try {
        await ended;
      } finally {
        log.push(`end ${name}`);
      }
    },
    end: (error) => finish(error),
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('CopyQueue', () => {
  it('runs COPYs one after the other, in order, without making the caller wait', async () => {
    const log: string[] = [];
    const queue = new CopyQueue(3);
    const copies = ['a', 'b', 'c'].map((name) => gate(log, name));
    for (const c of copies) await queue.start(c.copy);
    await turn();
    expect(log).toEqual(['start a']);
    copies[0]!.end();
    await turn();
    expect(log).toEqual(['start a', 'end a', 'start b']);
    copies[1]!.end();
    copies[2]!.end();
    await queue.drain();
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('makes the caller wait once as many COPYs as it keeps are queued', async () => {
    const log: string[] = [];
    const queue = new CopyQueue(2);
    const [a, b, c] = ['a', 'b', 'c'].map((name) => gate(log, name));
    await queue.start(a!.copy);
    await queue.start(b!.copy);
    let third = false;
    const started = queue.start(c!.copy).then(() => (third = true));
    await turn();
    expect(third).toBe(false);
    a!.end();
    await started;
    expect(third).toBe(true);
    b!.end();
    c!.end();
    await queue.drain();
    expect(log.filter((l) => l.startsWith('start'))).toEqual(['start a', 'start b', 'start c']);
  });

  it('throws a failed COPY from the next call and never runs the ones queued behind it', async () => {
    const log: string[] = [];
    const queue = new CopyQueue(3);
    const [a, b] = ['a', 'b'].map((name) => gate(log, name));
    await queue.start(a!.copy);
    await queue.start(b!.copy);
    a!.end(new Error('COPY refused'));
    b!.end(); // lets b end at once, should it wrongly start
    await queue.settle();
    expect(log).toEqual(['start a', 'end a']);
    await expect(queue.drain()).rejects.toThrow('COPY refused');
    await expect(queue.start(() => Promise.resolve(log.push('never')))).rejects.toThrow(
      'COPY refused',
    );
    await queue.settle();
    expect(log).toEqual(['start a', 'end a']);
  });
});
