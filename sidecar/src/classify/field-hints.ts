import type { EntityType, FieldHint } from '../contract/entities.js';
import type { Span } from './span.js';

/** What a field's metadata says before its value is read. */
export interface FieldPlan {
  /** The whole value is this type (e.g. an EMAIL field, MailingStreet). */
  wholeValue: EntityType | null;
  /** Recognizer finds of these types get a higher score (a field named SSN__c holding a bare 9-digit number). */
  boost: EntityType[];
  /** The model cannot add anything here (typed, numeric or already decided fields). */
  skipModel: boolean;
}

const BY_TYPE: Record<string, EntityType> = { EMAIL: 'EMAIL_ADDRESS', PHONE: 'PHONE_NUMBER', URL: 'URL' };
const NO_FREE_TEXT = new Set([
  'EMAIL',
  'PHONE',
  'URL',
  'DATE',
  'DATETIME',
  'TIME',
  'BOOLEAN',
  'INTEGER',
  'DOUBLE',
  'LONG',
  'CURRENCY',
  'PERCENT',
  'ID',
  'REFERENCE',
  'PICKLIST',
  'MULTIPICKLIST',
  'COMBOBOX',
  'BASE64',
  'ENCRYPTEDSTRING',
]);

/** Field-name stems (lower case, namespace and __c removed) that fix the type of the whole value. */
const WHOLE_BY_NAME: Array<[RegExp, EntityType]> = [
  [/^(birthdate|dateofbirth|dob|birthday|geburtsdatum|datedenaissance|fechadenacimiento|datadinascita|geboortedatum)$/, 'DATE_OF_BIRTH'],
  [
    /^(firstname|lastname|middlename|fullname|suppliedname|assistantname|contactname|vorname|nachname|prenom|nom|nombre|apellidos?|cognome|voornaam|achternaam)$/,
    'PERSON',
  ],
  [/^(mailing|billing|shipping|other)?(street|city|postalcode|zip|zipcode|country|state|address)$/, 'LOCATION'],
  [/^(supplied)?(email|emailaddress|personemail|alternateemail)$/, 'EMAIL_ADDRESS'],
  [/^(supplied)?(phone|mobilephone|homephone|otherphone|assistantphone|fax|telefon|telephone|mobile)$/, 'PHONE_NUMBER'],
];
const NATIONAL_IDS: EntityType[] = ['US_SSN', 'UK_NINO', 'DE_TAX_ID', 'FR_NIR', 'ES_NIF', 'IT_FISCAL_CODE', 'NL_BSN'];
const BOOST_BY_NAME: Array<[RegExp, EntityType | EntityType[]]> = [
  [/taxid|taxnumber|nationalid|personalid|idnumber/, NATIONAL_IDS],
  [/ssn|socialsecurity/, 'US_SSN'],
  [/nino|nationalinsurance/, 'UK_NINO'],
  [/steuerid|steueridentifikation/, 'DE_TAX_ID'],
  [/nir|securitesociale/, 'FR_NIR'],
  [/dni|nie|nif/, 'ES_NIF'],
  [/codicefiscale|fiscalcode/, 'IT_FISCAL_CODE'],
  [/bsn|burgerservice/, 'NL_BSN'],
  [/passport|reisepass|passeport|pasaporte|passaporto|paspoort/, 'PASSPORT'],
  [/iban|bankaccount/, 'IBAN_CODE'],
  [/card|kreditkarte/, 'CREDIT_CARD'],
  [/birth|geburt|naissance|nacimiento|nascita|geboorte/, 'DATE_OF_BIRTH'],
  [/password|secret|token|apikey/, 'SECRET'],
  [/ipaddress|sourceip|clientip/, 'IP_ADDRESS'],
];

/** `leakwatch__Tax_Id__c` → `taxid`: namespace, custom suffix and separators removed. */
const stem = (name: string): string =>
  name
    .replace(/__(c|pc)$/i, '')
    .replace(/^[a-z0-9]+__/i, '')
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase();

export function planField(field: FieldHint | undefined): FieldPlan {
  if (!field) return { wholeValue: null, boost: [], skipModel: false };
  const type = field.type?.toUpperCase() ?? '';
  const name = stem(field.name ?? '');
  const label = stem(field.label ?? '');
  const byName = WHOLE_BY_NAME.find(([re]) => re.test(name) || re.test(label))?.[1] ?? null;
  const wholeValue = BY_TYPE[type] ?? (type === 'DATE' || type === 'DATETIME' ? (byName === 'DATE_OF_BIRTH' ? byName : null) : byName);
  const boost = BOOST_BY_NAME.filter(([re]) => re.test(name) || re.test(label)).flatMap(([, t]) => t);
  return { wholeValue, boost, skipModel: wholeValue !== null || NO_FREE_TEXT.has(type) };
}

/** The value's trimmed extent as one span of the field's type, when the value is not blank. */
export function wholeValueSpan(plan: FieldPlan, text: string, fieldType: string | undefined): Span | null {
  if (!plan.wholeValue) return null;
  const start = text.search(/\S/);
  if (start < 0) return null;
  const end = text.trimEnd().length;
  if (plan.wholeValue === 'EMAIL_ADDRESS' && !text.includes('@')) return null;
  if ((plan.wholeValue === 'PHONE_NUMBER' || plan.wholeValue === 'DATE_OF_BIRTH') && !/\d/.test(text)) return null;
  const detector = fieldType && BY_TYPE[fieldType.toUpperCase()] ? `field:${fieldType.toUpperCase()}` : 'field:name';
  return { type: plan.wholeValue, start, end, score: 0.9, detector };
}
