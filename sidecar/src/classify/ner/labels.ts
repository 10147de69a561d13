import { ENTITY_TYPES, type EntityType } from '../../contract/entities.js';

/** Label names used by common NER models, mapped to the entity vocabulary. Other labels (ORG, MISC...) are ignored. */
const ALIASES: Record<string, EntityType> = {
  PER: 'PERSON',
  PERSON: 'PERSON',
  NAME: 'PERSON',
  FIRSTNAME: 'PERSON',
  LASTNAME: 'PERSON',
  LOC: 'LOCATION',
  LOCATION: 'LOCATION',
  GPE: 'LOCATION',
  ADDRESS: 'LOCATION',
  STREET: 'LOCATION',
  CITY: 'LOCATION',
  EMAIL: 'EMAIL_ADDRESS',
  PHONE: 'PHONE_NUMBER',
  TELEPHONENUM: 'PHONE_NUMBER',
  DOB: 'DATE_OF_BIRTH',
};

export interface LabelInfo {
  /** B (begins an entity), I (inside) or O (outside). */
  tag: 'B' | 'I' | 'O';
  type: EntityType | null;
}

/** Reads a model's id2label (`B-PER`, `I-LOCATION`, `O`, `PER`) into tags and entity types. */
export function readLabels(id2label: Record<string, string>): LabelInfo[] {
  const ids = Object.keys(id2label).map(Number);
  const out: LabelInfo[] = new Array(Math.max(...ids) + 1).fill({ tag: 'O', type: null });
  for (const id of ids) {
    const label = id2label[String(id)]!.toUpperCase();
    const match = /^([BIES])[-_](.+)$/.exec(label);
    const name = match ? match[2]! : label;
    const type = ALIASES[name] ?? ((ENTITY_TYPES as readonly string[]).includes(name) ? (name as EntityType) : null);
    const prefix = match?.[1];
    out[id] = type === null || name === 'O' ? { tag: 'O', type: null } : { tag: prefix === 'I' || prefix === 'E' ? 'I' : 'B', type };
  }
  return out;
}
