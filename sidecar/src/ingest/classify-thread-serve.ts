import type { MessagePort } from 'node:worker_threads';
import type { Classifier, ClassifyInput } from '../contract/entities.js';

/** What a worker thread is started with: the module whose `createClassifier` it calls, and that call's options. */
export interface ThreadData {
  module: string;
  options: unknown;
}

export type ThreadRequest = { id: number; inputs: ClassifyInput[] };
export type ThreadReply =
  | { type: 'ready'; modelLoaded: boolean }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; entities: Awaited<ReturnType<Classifier['classifyMany']>> }
  | { type: 'error'; id: number; message: string };

/** Builds this thread's classifier, reports ready (or why it cannot start), then answers each request. */
export async function serveClassifier(port: MessagePort | null, data: ThreadData): Promise<void> {
  if (!port) throw new Error('the classification thread must run as a worker thread');
  const send = (reply: ThreadReply) => port.postMessage(reply);
  let classifier: Classifier & { ready?: () => Promise<void> };
  try {
    const factory = (await import(data.module)) as {
      createClassifier: (options: unknown) => Classifier & { ready?: () => Promise<void> };
    };
    classifier = factory.createClassifier(data.options);
    await classifier.ready?.();
  } catch (err) {
    send({ type: 'failed', message: (err as Error)?.message ?? String(err) });
    return;
  }
  port.on('message', (request: ThreadRequest | 'close') => {
    if (request === 'close') {
      void classifier.close().finally(() => port.close());
      return;
    }
    classifier.classifyMany(request.inputs).then(
      (entities) => send({ type: 'result', id: request.id, entities }),
      (err: unknown) => send({ type: 'error', id: request.id, message: (err as Error)?.message ?? String(err) }),
    );
  });
  send({ type: 'ready', modelLoaded: classifier.modelLoaded });
}
