// Entry of a classification worker thread: loads the TypeScript sources through tsx, then serves
// classifyMany calls from the main thread with one classifier (and so one model) of its own.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { serveClassifier } = await import('./classify-thread-serve.ts');
await serveClassifier(parentPort, workerData);
