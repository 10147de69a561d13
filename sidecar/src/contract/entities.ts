/** The entity vocabulary (Presidio's names), shared by the classifier, detection and write-back. */
export const ENTITY_TYPES = [
  'PERSON',
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'CREDIT_CARD',
  'IBAN_CODE',
  'IP_ADDRESS',
  'LOCATION',
  'DATE_OF_BIRTH',
  'URL',
  'CRYPTO',
  'PASSPORT',
  'US_SSN',
  'UK_NINO',
  'DE_TAX_ID',
  'FR_NIR',
  'ES_NIF',
  'IT_FISCAL_CODE',
  'NL_BSN',
  'MEDICAL',
  'SECRET',
] as const;

export type EntityType = (typeof ENTITY_TYPES)[number];

/** One personal-data entity found in a field value. Offsets are JavaScript string indices, end exclusive. */
export interface Entity {
  type: EntityType;
  start: number;
  end: number;
  /** 0..1 */
  score: number;
  /** Which detector found it, e.g. `pattern:credit_card`, `ner`, `field:EMAIL`. */
  detector: string;
  /** A masked rendering safe to store and show, e.g. `4111 •••• •••• 1111`. Never the raw value. */
  masked: string;
  /** Salted SHA-256 of the normalised value, hex. */
  hash: string;
}

export interface FieldHint {
  name?: string;
  /** Salesforce field type: STRING, TEXTAREA, EMAIL, PHONE, DATE, ... */
  type?: string;
  label?: string;
}

export interface ClassifyInput {
  text: string;
  field?: FieldHint;
}

/** The classifier as the service sees it (implemented in `src/classify/`). */
export interface Classifier {
  classify(input: ClassifyInput): Promise<Entity[]>;
  classifyMany(inputs: ClassifyInput[]): Promise<Entity[][]>;
  /** The salted hash stored in place of a key the detector only compares (session or job keys); see `hashKey`. */
  hashKey(value: string): string;
  /** True once the NER model is loaded; false when running recognizers only. */
  readonly modelLoaded: boolean;
  close(): Promise<void>;
}

/** What the classifier found in one field of one record of an event. */
export interface FieldFinding {
  recordId?: string;
  field: string;
  fieldType?: string;
  entities: Entity[];
  /** Set when the value was truncated before classification (original length in characters). */
  truncatedFrom?: number;
}
