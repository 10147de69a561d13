import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { hashKey } from '../classify/hash.js';
import type { Classifier, ClassifyInput, Entity } from '../contract/entities.js';
import type { ThreadData, ThreadReply, ThreadRequest } from './classify-thread-serve.js';

const THREAD_ENTRY = new URL('./classify-thread.mjs', import.meta.url);
const DEFAULT_MODULE = new URL('../classify/index.ts', import.meta.url).href;

interface ClassifyPoolOptions {
  /** Worker threads, each with its own classifier and model (default: the available cores). */
  threads?: number;
  /** Options of `createClassifier` in each thread (salt, model directory, lists...). */
  classifier: unknown;
  /** The module whose `createClassifier(options)` each thread calls (default: the sidecar's classifier). */
  module?: string;
}

export interface ClassifyPool extends Classifier {
  readonly threads: number;
  /** Resolves once every thread has its classifier (and model) loaded; rejects if one cannot start. */
  ready(): Promise<void>;
}

export class ClassifyThreadError extends Error {
  override name = 'ClassifyThreadError';
}

interface Task {
  inputs: ClassifyInput[];
  resolve: (entities: Entity[][]) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  started: Promise<void>;
  /** The thread's classifier is built and takes requests. */
  up: boolean;
  modelLoaded: boolean;
  task?: { id: number } & Task;
}

/**
 * Classification off the main thread: a fixed set of worker threads, each with one classifier and
 * so one NER model, takes whole requests' values (one `classifyMany` per request) so that several
 * batches classify in parallel while the main thread serves HTTP and the store. A thread that dies
 * fails the call it was running (the request is then answered 503 and nothing of it is stored)
 * and is replaced.
 */
export function createClassifyPool(options: ClassifyPoolOptions): ClassifyPool {
  const size = options.threads ?? availableParallelism();
  if (!Number.isInteger(size) || size < 1) throw new RangeError('a classification pool needs at least one thread');
  const data: ThreadData = { module: options.module ?? DEFAULT_MODULE, options: options.classifier };
  const salt = (options.classifier as { salt?: unknown } | null)?.salt;
  if (typeof salt !== 'string' || salt === '') throw new TypeError('the classifier options need a salt');
  // The cores are shared out between the threads' inference sessions unless set explicitly.
  const nerThreads = process.env.LEAKWATCH_NER_THREADS || String(Math.max(1, Math.floor(availableParallelism() / size)));
  const threads: Thread[] = [];
  const queue: Task[] = [];
  let nextId = 0;
  let closed = false;

  const spawn = (): Thread => {
    const worker = new Worker(THREAD_ENTRY, {
      workerData: data,
      env: { ...process.env, LEAKWATCH_NER_THREADS: nerThreads },
    });
    const thread: Thread = { worker, started: Promise.resolve(), up: false, modelLoaded: false };
    thread.started = new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: ThreadReply) => {
        if (reply.type === 'ready') {
          thread.up = true;
          thread.modelLoaded = reply.modelLoaded;
          resolve();
          dispatch();
          return;
        }
        if (reply.type === 'failed') {
          reject(new ClassifyThreadError(`a classification thread could not start: ${reply.message}`));
          return;
        }
        const task = thread.task;
        if (!task || task.id !== reply.id) return;
        thread.task = undefined;
        if (reply.type === 'result') task.resolve(reply.entities);
        else task.reject(new ClassifyThreadError('classification failed in a worker thread'));
        dispatch();
      });
      const lost = (why: string) => {
        reject(new ClassifyThreadError(`a classification thread ${why}`));
        thread.up = false;
        const task = thread.task;
        thread.task = undefined;
        task?.reject(new ClassifyThreadError(`the classification thread ${why}`));
        const at = threads.indexOf(thread);
        if (at < 0) return;
        if (closed) threads.splice(at, 1);
        else {
          threads[at] = spawn();
          threads[at]!.started.catch(() => undefined);
        }
      };
      worker.on('error', () => lost('failed'));
      worker.on('exit', (code) => lost(`exited (code ${code})`));
    });
    return thread;
  };

  const dispatch = () => {
    for (const thread of threads) {
      if (queue.length === 0) return;
      if (thread.task || !thread.up) continue;
      const task = queue.shift() as Task;
      const id = (nextId += 1);
      thread.task = { id, ...task };
      const request: ThreadRequest = { id, inputs: task.inputs };
      thread.worker.postMessage(request);
    }
  };

  for (let i = 0; i < size; i += 1) threads.push(spawn());
  const allStarted = Promise.all(threads.map((t) => t.started)).then(() => undefined);
  allStarted.catch(() => undefined);

  const classifyMany = (inputs: ClassifyInput[]): Promise<Entity[][]> => {
    if (closed) return Promise.reject(new ClassifyThreadError('the classification pool is closed'));
    if (inputs.length === 0) return Promise.resolve([]);
    return new Promise<Entity[][]>((resolve, reject) => {
      queue.push({ inputs, resolve, reject });
      dispatch();
    });
  };

  return {
    threads: size,
    get modelLoaded() {
      return threads.length > 0 && threads.every((t) => t.modelLoaded);
    },
    ready: () => allStarted,
    classify: async (input) => (await classifyMany([input]))[0] as Entity[],
    classifyMany,
    hashKey: (value) => hashKey(value, salt),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const task of queue.splice(0)) task.reject(new ClassifyThreadError('the classification pool is closed'));
      await Promise.all(
        threads.map(async (t) => {
          const exited = new Promise((resolve) => t.worker.once('exit', resolve));
          t.worker.postMessage('close');
          const timer = setTimeout(() => void t.worker.terminate(), 5_000);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}
