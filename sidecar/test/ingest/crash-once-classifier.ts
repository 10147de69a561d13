import { existsSync, writeFileSync } from 'node:fs';
import { createClassifier as createRealClassifier } from '../../src/classify/index.js';
import type { Classifier } from '../../src/contract/entities.js';

/** A text that makes the thread die, once: the first thread to see it leaves `flagFile` behind and exits. */
export const CRASH_TEXT = 'this value crashes the classification thread';

/** The real pattern classifier, except that the thread it runs in exits the first time it sees CRASH_TEXT. */
export function createClassifier(options: { salt: string; flagFile: string }): Classifier {
  const inner = createRealClassifier({ salt: options.salt });
  return {
    get modelLoaded() {
      return inner.modelLoaded;
    },
    classify: (input) => inner.classify(input),
    hashKey: (value) => inner.hashKey(value),
    classifyMany: async (inputs) => {
      if (inputs.some((i) => i.text === CRASH_TEXT) && !existsSync(options.flagFile)) {
        writeFileSync(options.flagFile, 'crashed');
        process.exit(1);
      }
      return inner.classifyMany(inputs);
    },
    close: () => inner.close(),
  };
}
