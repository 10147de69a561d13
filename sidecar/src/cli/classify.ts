import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createClassifier } from '../classify/index.js';
import { resolveModelDir } from '../classify/ner.js';
import { parseInputLine, type InputRecord } from './classify-input.js';
import type { Command, CommandIo } from './command.js';

const USAGE = `usage: leakwatch classify [--input in.jsonl] [--output out.jsonl] [--model DIR | --no-model] [--batch N]

Reads one JSON object a line ({"id","text","field":{"name","type"}?}) and writes one a line
({"id","entities":[{"type","start","end","score","detector"}]}), offsets as JavaScript string indices,
end exclusive. Standard input and output by default. The NER model comes from --model, else
LEAKWATCH_MODEL_DIR, else the shipped model; --no-model runs the recognizers only.`;

const PROGRESS_EVERY_MS = 2000;

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

function chooseModel(values: { model?: string; 'no-model'?: boolean }, io: CommandIo): string | null {
  if (values['no-model']) return null;
  const dir = values.model ?? resolveModelDir(io.env);
  if (existsSync(dir)) return dir;
  if (values.model) throw new Error(`model directory not found: ${dir}`);
  io.stderr.write(`leakwatch classify: no NER model at ${dir}; running the recognizers only\n`);
  return null;
}

async function run(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      input: { type: 'string', short: 'i' },
      output: { type: 'string', short: 'o' },
      model: { type: 'string' },
      'no-model': { type: 'boolean' },
      batch: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const batchSize = Math.max(1, Number(values.batch ?? 32) || 32);
  const classifier = createClassifier({ salt: 'cli', modelDir: chooseModel(values, io) });
  const input = values.input ? createReadStream(values.input) : io.stdin;
  const output = values.output ? createWriteStream(values.output) : io.stdout;
  let lineNo = 0;
  let done = 0;
  let errors = 0;
  const started = Date.now();
  let lastProgress = started;
  let batch: InputRecord[] = [];

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const results = await classifier.classifyMany(batch);
    const lines = batch.map((record, i) => {
      const entities = results[i]!.map(({ type, start, end, score, detector }) => ({ type, start, end, score, detector }));
      return `${JSON.stringify({ id: record.id, entities })}\n`;
    });
    await write(output, lines.join(''));
    done += batch.length;
    batch = [];
    const now = Date.now();
    if (now - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = now;
      const rate = Math.round((done / (now - started)) * 1000);
      io.stderr.write(`leakwatch classify: ${done} records (${rate}/s)\n`);
    }
  };

  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      lineNo += 1;
      if (!line.trim()) continue;
      try {
        batch.push(parseInputLine(line));
      } catch (error) {
        errors += 1;
        io.stderr.write(`leakwatch classify: line ${lineNo}: ${(error as Error).message}\n`);
        continue;
      }
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } finally {
    await classifier.close();
    if (output !== io.stdout) {
      output.end();
      await once(output, 'finish');
    }
  }
  if (Date.now() - started >= PROGRESS_EVERY_MS) io.stderr.write(`leakwatch classify: ${done} records, ${errors} bad lines\n`);
  return errors > 0 ? 1 : 0;
}

export const classifyCommand: Command = {
  name: 'classify',
  summary: 'find personal data in JSON lines of text (stdin to stdout by default)',
  usage: USAGE,
  run: async (args, io) => {
    try {
      return await run(args, io);
    } catch (error) {
      io.stderr.write(`leakwatch classify: ${(error as Error).message}\n${USAGE}\n`);
      return 2;
    }
  },
};
