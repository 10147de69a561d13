import type { Classifier, ClassifyInput, Entity } from '../contract/entities.js';
import { joinAddressParts } from './address.js';
import { planField, wholeValueSpan, type FieldPlan } from './field-hints.js';
import { hashKey, hashValue } from './hash.js';
import { compileAllowList, compileDenyList, type AllowEntry, type DenyEntry } from './lists.js';
import { maskValue } from './mask.js';
import { mergeSpans } from './merge.js';
import { disposeNerModel, getNerModel, type NerModel } from './ner.js';
import { combinePersonEvidence, mayNameSomeone, nameLexicon } from './ner/names.js';
import { addNameShapes, fixNameEdges } from './ner/name-edges.js';
import { plausibleModelSpans } from './ner/plausible.js';
import { namesProduct } from './ner/products.js';
import { recognize, recognizeMany } from './recognize.js';
import { overlaps, type Span } from './span.js';
import { tableCells, type Cell } from './tabular.js';
import { resolveThresholds, type Thresholds } from './thresholds.js';

export { hashValue } from './hash.js';
export { maskValue } from './mask.js';
export { SHIPPED_MODEL_DIR } from './ner.js';

interface ClassifierOptions {
  /** Directory of the NER model (see `resolveModelDir()`), or null for the recognizers only. */
  modelDir?: string | null;
  /** Salt (per org) for the value hashes. */
  salt: string;
  /** Values never reported, e.g. the company's own support address. */
  allow?: readonly AllowEntry[];
  /** Terms always reported with their type. */
  deny?: readonly DenyEntry[];
  /** Minimum score per type (defaults: 0.5). */
  thresholds?: Thresholds;
  /** Minimum probability of a model find, before the per-type threshold (default 0.85). */
  modelThreshold?: number;
  /**
   * Minimum probability of a model PERSON find with no given name or surname the name lexicon knows (default 0.9);
   * one with a known name needs 0.35 (see `combinePersonEvidence`).
   */
  unknownNameThreshold?: number;
}

const DEFAULT_MODEL_THRESHOLD = 0.85;
const DEFAULT_UNKNOWN_NAME_THRESHOLD = 0.9;
/** A model PERSON find with a given name or surname the lexicon knows passes this lower bar. */
const KNOWN_NAME_THRESHOLD = 0.35;

export interface LeakwatchClassifier extends Classifier {
  /** Resolves once the model is loaded (at once without a model); rejects if it cannot be. */
  ready(): Promise<void>;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

const shift = (s: Span, by: number): Span => ({ ...s, start: s.start + by, end: s.end + by });

/**
 * In a table with a header row, each cell read as the value of the field its column names: a Birthdate
 * column's dates are dates of birth, a Tax_Id__c column's nine digits a national id (see `tableCells`).
 */
function tableSpans(text: string, cells: readonly Cell[]): Span[] {
  const out: Span[] = [];
  for (const cell of cells) {
    const value = text.slice(cell.start, cell.end);
    const whole = wholeValueSpan(cell.plan, value, undefined);
    // A name or a place has letters or digits; "-" or "n/a" is no value.
    if (whole && /[\p{L}\p{N}]{2}/u.test(value)) out.push(shift(whole, cell.start));
    if (cell.plan.boost.length > 0) for (const s of recognize(value, cell.plan)) if (cell.plan.boost.includes(s.type)) out.push(shift(s, cell.start));
  }
  return out;
}

/**
 * Texts where the model can add something: free text with a capitalised word other than a function word, or a
 * given name the lexicon knows (lower-case finds are kept only with one, see `combinePersonEvidence`), not fully
 * explained by the patterns.
 */
const needsModel = (text: string, plan: FieldPlan, patterns: Span[]): boolean =>
  !plan.skipModel && mayNameSomeone(text, nameLexicon()) && !patterns.some((s) => s.start <= text.search(/\S/) && s.end >= text.trimEnd().length);

/**
 * The classifier: pattern recognizers with context words and field hints, then (when a model directory is given)
 * NER for names and places in free text (PERSON finds weighed with the name lexicon, see `combinePersonEvidence`), allow/deny lists, per-type thresholds and merging (a pattern find wins over
 * a model find of another type; finds of one type join). The model is the
 * process-wide one (loading starts now, `classify` waits for it); `close` releases it.
 */
export function createClassifier(options: ClassifierOptions): LeakwatchClassifier {
  const allowed = compileAllowList(options.allow ?? []);
  const denied = compileDenyList(options.deny ?? []);
  const thresholds = resolveThresholds(options.thresholds);
  const modelThreshold = options.modelThreshold ?? DEFAULT_MODEL_THRESHOLD;
  const unknownNameThreshold = options.unknownNameThreshold ?? DEFAULT_UNKNOWN_NAME_THRESHOLD;
  const modelPromise: Promise<NerModel> | null = options.modelDir ? getNerModel(options.modelDir) : null;
  let model: NerModel | null = null;
  let closed = false;
  modelPromise?.then(
    (m) => {
      model = m;
    },
    () => undefined,
  );

  const keep = (text: string, s: Span): boolean => s.score >= thresholds[s.type] && !allowed(text.slice(s.start, s.end));

  const toEntity = (text: string, s: Span): Entity => {
    const value = text.slice(s.start, s.end);
    return {
      type: s.type,
      start: s.start,
      end: s.end,
      score: round3(s.score),
      detector: s.detector,
      masked: maskValue(s.type, value),
      hash: hashValue(s.type, value, options.salt),
    };
  };

  /** The pattern finds in one text, given its recognizers' finds (`recognizeMany`, which it adds to). */
  const patternSpans = (input: ClassifyInput, plan: FieldPlan, table: readonly Cell[] | null, spans: Span[]): Span[] => {
    const { text } = input;
    const whole = wholeValueSpan(plan, text, input.field?.type);
    if (whole) spans.push(whole);
    if (table) spans.push(...tableSpans(text, table));
    spans.push(...denied(text));
    return mergeSpans(spans.filter((s) => keep(text, s)));
  };

  const classifyMany = async (inputs: ClassifyInput[]): Promise<Entity[][]> => {
    if (closed) throw new Error('classifier is closed');
    const plans = inputs.map((i) => planField(i.field));
    // A text without a field hint may be a table with a header row (read once, for the patterns and the model).
    const tables = inputs.map((input) => (input.field || !input.text ? null : tableCells(input.text)));
    // The recognizers run over all the texts at once (see `recognizeMany`); an empty text has no finds.
    const recognized = recognizeMany(
      inputs.map((input) => input.text),
      plans,
    );
    const patterns = inputs.map((input, i) => (input.text ? patternSpans(input, plans[i]!, tables[i] ?? null, recognized[i]!) : []));
    const forModel = modelPromise ? inputs.map((_, i) => i).filter((i) => needsModel(inputs[i]!.text ?? '', plans[i]!, patterns[i]!)) : [];
    if (forModel.length > 0) {
      const ner = await modelPromise!;
      const found = await ner.predict(forModel.map((i) => inputs[i]!.text));
      forModel.forEach((i, k) => {
        const text = inputs[i]!.text;
        const own = patterns[i]!;
        const weighed = combinePersonEvidence(text, plausibleModelSpans(text, found[k]!), nameLexicon(), {
          modelThreshold,
          unknownNameThreshold,
          knownNameThreshold: Math.min(unknownNameThreshold, KNOWN_NAME_THRESHOLD),
        });
        // Where a table's header row ends: model finds there are field names.
        const header = tables[i] ? text.indexOf('\n') : 0;
        const extra = weighed.filter(
          (s) =>
            keep(text, s) &&
            !own.some((p) => p.type !== s.type && overlaps(p, s)) &&
            // A table's header names fields, not people ("Birthdate"); a brand before "Polo Shirt" is no person.
            s.start >= header &&
            !(s.type === 'PERSON' && namesProduct(text, s)),
        );
        patterns[i] = mergeSpans([...own, ...extra]);
      });
    }
    const lexicon = nameLexicon();
    return patterns.map((spans, i) => {
      const text = inputs[i]!.text;
      return joinAddressParts(text, fixNameEdges(text, addNameShapes(text, spans, lexicon), lexicon)).map((s) => toEntity(text, s));
    });
  };

  return {
    get modelLoaded() {
      return model !== null;
    },
    ready: async () => {
      await modelPromise;
    },
    classify: async (input) => (await classifyMany([input]))[0]!,
    classifyMany,
    hashKey: (value) => hashKey(value, options.salt),
    close: async () => {
      closed = true;
      model = null;
      if (modelPromise) await disposeNerModel();
    },
  };
}
