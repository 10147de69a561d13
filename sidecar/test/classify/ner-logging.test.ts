import { afterEach, describe, expect, it, vi } from 'vitest';
import { SHIPPED_MODEL_DIR, disposeNerModel, getNerModel } from '../../src/classify/ner.js';

describe('NER model failures', () => {
  afterEach(async () => {
    vi.restoreAllMocks();
    await disposeNerModel();
  });

  it('throws to the caller without writing the input text or its token ids to any log', async () => {
    const written: string[] = [];
    const capture = (...args: unknown[]): void => {
      written.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)))).join(' '));
    };
    for (const method of ['error', 'warn', 'log', 'info', 'debug'] as const) vi.spyOn(console, method).mockImplementation(capture);

    const model = await getNerModel(SHIPPED_MODEL_DIR);
    await model.dispose();
    await expect(model.predict(['Customer Sarah Connor lives at 221 Baker Street, London.'])).rejects.toThrow();

    expect(written.join('\n')).not.toMatch(/Inputs given to model|Sarah|input_ids/);
  });
});
