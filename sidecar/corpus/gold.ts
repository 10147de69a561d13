import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EntityType, FieldHint } from '../src/contract/entities.js';

/** One labelled record, in the format of ../shared/eval (offsets are JavaScript string indices). */
export interface GoldRecord {
  id: string;
  text: string;
  field?: FieldHint;
  entities: Array<{ type: EntityType; start: number; end: number; optional?: boolean }>;
  scope?: EntityType[];
  split?: string;
  lang?: string;
  hard_negatives?: Array<{ kind: string; start: number; end: number }>;
  source?: string;
}

export interface Prediction {
  id: string;
  entities: Array<{ type: string; start: number; end: number; score?: number }>;
}

export interface ScoreResult {
  micro: { overlap: { p: number; r: number; f: number }; exact: { p: number; r: number; f: number } };
  per_type: Record<string, { gold: number; pred: number; overlap: { p: number; r: number; f: number } }>;
  hard_negatives: Record<string, { n: number; hit: number }>;
}

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '..', '..');
/** The peer test cases and scorer live beside the repository (`../shared/eval`). */
export const SHARED_EVAL = resolve(REPO_ROOT, '..', 'shared', 'eval');
export const PRESIDIO_CASES = join(SHARED_EVAL, 'presidio_cases.jsonl');
export const SALESFORCE_CORPUS = join(here, 'salesforce.jsonl');

export const readJsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

type ScoreFn = (gold: GoldRecord[], preds: Prediction[], opts?: { types?: string[] }) => ScoreResult;

/** The shared scorer (plain JavaScript beside the repository). */
export async function loadScorer(): Promise<ScoreFn> {
  const mod = (await import(join(SHARED_EVAL, 'score.mjs'))) as { score: ScoreFn };
  return mod.score;
}
