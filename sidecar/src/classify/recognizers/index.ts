import type { Recognizer } from '../span.js';
import { creditCard } from './credit-card.js';
import { country } from './country.js';
import { cryptoWallet } from './crypto-wallet.js';
import { dateOfBirth } from './date-of-birth.js';
import { deTaxId } from './de-tax-id.js';
import { email } from './email.js';
import { esNif } from './es-nif.js';
import { frNir } from './fr-nir.js';
import { iban } from './iban.js';
import { ipAddress } from './ip-address.js';
import { itFiscalCode } from './it-fiscal-code.js';
import { medical } from './medical.js';
import { nlBsn } from './nl-bsn.js';
import { passport } from './passport.js';
import { personCue } from './person.js';
import { phone } from './phone.js';
import { secret } from './secret.js';
import { streetAddress } from './street-address.js';
import { ukNino } from './uk-nino.js';
import { url } from './url.js';
import { usSsn } from './us-ssn.js';

/** Every pattern recognizer, in no particular order: merging decides between overlapping finds. */
export const RECOGNIZERS: readonly Recognizer[] = [
  email,
  url,
  ipAddress,
  creditCard,
  iban,
  phone,
  usSsn,
  ukNino,
  deTaxId,
  frNir,
  esNif,
  itFiscalCode,
  nlBsn,
  cryptoWallet,
  secret,
  dateOfBirth,
  passport,
  medical,
  personCue,
  streetAddress,
  country,
];
