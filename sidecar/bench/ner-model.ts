// Throughput of the shipped int8 NER model (sidecar/models/leakwatch-ner, or LEAKWATCH_MODEL_DIR) through the
// sidecar's NER path (transformers.js, offsets, decoding): short one-to-two-sentence records, batches of 16, fully
// offline, for about ten seconds.
import { env } from '@huggingface/transformers';
import { disposeNerModel, getNerModel, resolveModelDir } from '../src/classify/ner.js';

const TARGET = 1000;
const BATCH = 16;
const SECONDS = 10;

const RECORDS = [
  'Customer Sarah Connor called about order SO-448812, the parcel never arrived.',
  'Please ship the replacement headset to 221B Baker Street, London NW1 6XE.',
  'Herr Jürgen Weiß bittet um Rückruf wegen der Rechnung vom 3. März.',
  'Lieferung an Frau Anna Schmidt, Hauptstraße 12, 80331 München.',
  'Mme Claire Dubois signale un colis endommagé, livré au 8 rue de la Paix à Paris.',
  'Bonjour, je suis Pierre Martin et je souhaite annuler ma commande.',
  'El cliente Javier García López pide el reembolso del pedido 7781.',
  'Enviar la factura a Calle Mayor 5, 28013 Madrid.',
  'Il signor Marco Rossi chiede la sostituzione del prodotto difettoso.',
  "Spedire a Via Roma 21, 20121 Milano, all'attenzione della Dott.ssa Bianchi.",
  'Dhr. Jan de Vries belde over zijn bestelling; levering op Kerkstraat 4, Utrecht.',
  'Mevrouw Sanne Jansen wil haar adres wijzigen naar Dorpsweg 18, 1234 AB Amsterdam.',
  'Victoria Pro headset (SKU MAIN-450) back in stock, price 129.00.',
  'Lead from Acme Logistics GmbH, interested in the Jackson Desk bundle.',
  '2024-05-01T10:00:00Z INFO ContactSync upsert ok id=003XX0000001abc city=Berlin',
  'Escalated to Tom Becker. Customer prefers contact by email.',
];

async function main(): Promise<void> {
  const ner = await getNerModel(resolveModelDir(), { batchSize: BATCH });
  const batches = Array.from({ length: RECORDS.length / BATCH }, (_, i) => RECORDS.slice(i * BATCH, (i + 1) * BATCH));
  for (const batch of batches) await ner.predict(batch);

  let records = 0;
  const started = performance.now();
  while (performance.now() - started < SECONDS * 1000) {
    for (const batch of batches) {
      await ner.predict(batch);
      records += batch.length;
    }
  }
  const perSecond = records / ((performance.now() - started) / 1000);
  console.log('| measure | measured | target |');
  console.log('|---|---|---|');
  console.log(`| int8 records/s (batch ${BATCH}, short records, transformers.js ${env.version}) | ${Math.round(perSecond)} | >= ${TARGET} |`);
  await disposeNerModel();
}

await main();
