import { describe, expect, it } from 'vitest';
import type { ClassifyInput, Entity } from '../../src/contract/entities.js';
import { warmUp } from '../../src/server.js';

describe('warming up the classification pool before the sidecar listens', () => {
  it('hands every thread one batch of made-up values at once and waits for all of them', async () => {
    const calls: ClassifyInput[][] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    let finished = 0;
    const pool = {
      threads: 3,
      classifyMany: async (inputs: ClassifyInput[]): Promise<Entity[][]> => {
        calls.push(inputs);
        mostInFlight = Math.max(mostInFlight, (inFlight += 1));
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight -= 1;
        finished += 1;
        return inputs.map(() => []);
      },
    };
    await warmUp(pool);
    expect(calls).toHaveLength(3);
    // All at once: the pool gives each idle thread one of them.
    expect(mostInFlight).toBe(3);
    expect(finished).toBe(3);
    for (const batch of calls) {
      expect(batch).toHaveLength(32);
      // Values of the kinds the recognizers and the model look for, each different.
      expect(new Set(batch.map((i) => i.text)).size).toBe(32);
      expect(batch[0]!.text).toMatch(/@example\.com/);
      expect(batch[0]!.text).toMatch(/4111 1111 1111 1111/);
    }
  });

  it('fails the start when a thread cannot classify', async () => {
    const pool = { threads: 2, classifyMany: async () => Promise.reject(new Error('thread lost')) };
    await expect(warmUp(pool)).rejects.toThrow('thread lost');
  });
});
