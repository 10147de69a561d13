import { afterAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import * as ids from '../../corpus/independent/ids.js';
import { ID_LABELS, NEG_LABELS } from '../../corpus/independent/phrases.js';
import { Rng } from '../../corpus/independent/rng.js';
import { CHECKSUMMED_TYPES } from '../../corpus/predict.js';

// Identifiers with a wrong check digit, drawn by the independent corpus's own generators (written apart from the
// classifier), after their own labels, a look-alike label or none: no checksummed type may report any of them.
const LANGS = ['en', 'de', 'fr', 'es', 'it', 'nl'] as const;
const PER_KIND = 300;

interface LookAlike {
  kind: string;
  text: string;
  start: number;
  end: number;
}

function lookAlikes(seed: number): LookAlike[] {
  const r = new Rng(seed);
  const out: LookAlike[] = [];
  const add = (kind: string, labels: string[], value: string): void => {
    const label = r.chance(0.2) ? '' : `${r.pick(labels)} `;
    out.push({ kind, text: `${label}${value}${r.pick(['', '.', ', see above'])}`, start: label.length, end: label.length + value.length });
  };
  for (let i = 0; i < PER_KIND; i += 1) {
    const neg = NEG_LABELS[r.pick([...LANGS])];
    add('card', [...neg.card_bad_checksum!, 'card', 'Kreditkarte', 'carte bancaire', 'tarjeta'], ids.formatCard(r, ids.badCard(r)));
    add('iban', [...neg.iban_bad_checksum!, 'IBAN'], ids.formatIban(r, ids.badIban(r, r.pick([...ids.IBAN_COUNTRIES]))));
    add('de_tax_id', ID_LABELS.DE_TAX_ID!, ids.formatDeTax(r, ids.badDeTaxId(r)));
    add('fr_nir', ID_LABELS.FR_NIR!, ids.formatNir(r, ids.badFrNir(r)));
    add('es_nif', ID_LABELS.ES_NIF!, ids.badEsNif(r));
    add('nl_bsn', ID_LABELS.NL_BSN!, ids.badNlBsn(r));
    add('us_ssn', ID_LABELS.US_SSN!, ids.badUsSsn(r));
  }
  return out;
}

describe('identifiers with a wrong check digit', () => {
  const classifier = createClassifier({ salt: 'look-alikes' });
  afterAll(() => classifier.close());

  it('are reported as no checksummed type at all', async () => {
    const cases = lookAlikes(777);
    expect(cases).toHaveLength(PER_KIND * 7);
    const found = await classifier.classifyMany(cases.map((c) => ({ text: c.text })));
    const accepted = cases.flatMap((c, i) =>
      found[i]!.filter((e) => CHECKSUMMED_TYPES.includes(e.type) && e.start < c.end && e.end > c.start).map((e) => `${c.kind} as ${e.type}: ${c.text}`),
    );
    expect(accepted).toEqual([]);
  });
});
