import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { Random } from '../src/synthetic/random.js';

/**
 * Generators of valid identifiers (and of look-alikes whose checksum fails) for the labelled corpus. The checksums
 * are written out here again, independently of the classifier, so that a mistake in one does not hide in the other.
 */

const luhnCheck = (body: string): number => {
  let sum = 0;
  for (let i = 0; i < body.length; i += 1) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
};

const group = (s: string, sizes: number[], sep: string): string => {
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) {
    out.push(s.slice(at, at + n));
    at += n;
  }
  if (at < s.length) out.push(s.slice(at));
  return out.join(sep);
};

export function creditCard(r: Random, valid = true): string {
  const kind = r.pick(['visa', 'mc', 'amex'] as const);
  const prefix = kind === 'visa' ? '4' : kind === 'mc' ? String(r.int(51, 55)) : r.pick(['34', '37']);
  const length = kind === 'amex' ? 15 : 16;
  const body = prefix + r.digits(length - 1 - prefix.length);
  const check = (luhnCheck(body) + (valid ? 0 : r.int(1, 9))) % 10;
  const number = body + String(check);
  const sep = r.pick([' ', '-', '']);
  return kind === 'amex' ? group(number, [4, 6, 5], sep) : group(number, [4, 4, 4, 4], sep);
}

const mod97 = (digits: string): number => {
  let rest = 0;
  for (const ch of digits) rest = (rest * 10 + Number(ch)) % 97;
  return rest;
};
const ibanNumeric = (s: string): string => [...s].map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c)).join('');

const BBAN: Record<string, (r: Random) => string> = {
  DE: (r) => r.digits(18),
  FR: (r) => `${r.digits(10)}${r.digits(11)}${r.digits(2)}`,
  ES: (r) => r.digits(20),
  IT: (r) => `${String.fromCharCode(65 + r.int(0, 25))}${r.digits(10)}${r.digits(12)}`,
  NL: (r) => `${r.pick(['ABNA', 'INGB', 'RABO', 'TRIO'])}${r.digits(10)}`,
  GB: (r) => `${r.pick(['NWBK', 'BARC', 'HSBC', 'LOYD'])}${r.digits(14)}`,
};

export function iban(r: Random, country: string, valid = true): string {
  const bban = BBAN[country]!(r);
  let check = 98 - mod97(ibanNumeric(`${bban}${country}00`));
  if (!valid) check = ((check + r.int(1, 90)) % 97) + 2;
  const value = `${country}${String(check).padStart(2, '0')}${bban}`;
  return r.chance(0.6) ? value.replace(/(.{4})(?=.)/g, '$1 ') : value;
}

export function usSsn(r: Random, valid = true): string {
  const area = valid ? String(r.int(1, 665)).padStart(3, '0') : r.pick(['000', '666', String(r.int(900, 999))]);
  return `${area}-${String(r.int(1, 99)).padStart(2, '0')}-${String(r.int(1, 9999)).padStart(4, '0')}`;
}

export function ukNino(r: Random, valid = true): string {
  const first = valid ? r.pick([...'ABCEGHJKLMNOPRSTWXYZ']) : r.pick([...'DFIQUV']);
  const second = r.pick([...'ABCEGHJKLMNPRSTWXYZ']);
  return `${first}${second} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.pick([...'ABCD'])}`;
}

export function deTaxId(r: Random, valid = true): string {
  for (;;) {
    const digits = [...(String(r.int(1, 9)) + r.digits(9))];
    const counts = new Map<string, number>();
    for (const d of digits) counts.set(d, (counts.get(d) ?? 0) + 1);
    const repeated = [...counts.values()].filter((n) => n > 1);
    if (repeated.length !== 1 || repeated[0] !== 2) continue;
    let product = 10;
    for (const d of digits) {
      let sum = (Number(d) + product) % 10;
      if (sum === 0) sum = 10;
      product = (sum * 2) % 11;
    }
    const check = (11 - product) % 10;
    return digits.join('') + String(valid ? check : (check + r.int(1, 9)) % 10);
  }
}

export function frNir(r: Random, valid = true): string {
  const dept = r.chance(0.15) ? r.pick(['2A', '2B']) : String(r.int(1, 95)).padStart(2, '0').replace(/^20$/, '21');
  const body = `${r.int(1, 2)}${r.digits(2)}${String(r.int(1, 12)).padStart(2, '0')}${dept}${String(r.int(1, 990)).padStart(3, '0')}${String(r.int(1, 999)).padStart(3, '0')}`;
  const numeric = BigInt(body.replace('2A', '19').replace('2B', '18'));
  let key = 97 - Number(numeric % 97n);
  if (!valid) key = key === 97 ? 1 : key + 1;
  const k = String(key).padStart(2, '0');
  return `${body[0]} ${body.slice(1, 3)} ${body.slice(3, 5)} ${body.slice(5, 7)} ${body.slice(7, 10)} ${body.slice(10, 13)} ${k}`;
}

const NIF_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
export function esNif(r: Random, valid = true): string {
  const nie = r.chance(0.3);
  const lead = nie ? r.pick(['X', 'Y', 'Z']) : '';
  const digits = r.digits(nie ? 7 : 8);
  const numeric = Number(`${lead ? 'XYZ'.indexOf(lead) : ''}${digits}`);
  const index = valid ? numeric % 23 : (numeric + r.int(1, 22)) % 23;
  return `${lead}${digits}${r.chance(0.3) ? '-' : ''}${NIF_LETTERS[index]}`;
}

const CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
export function itFiscalCode(r: Random, valid = true): string {
  const letters = (n: number): string => Array.from({ length: n }, () => String.fromCharCode(65 + r.int(0, 25))).join('');
  const body = `${letters(6)}${r.digits(2)}${r.pick([...'ABCDEHLMPRST'])}${String(r.int(1, 71)).padStart(2, '0')}${letters(1)}${r.digits(3)}`;
  let sum = 0;
  [...body].forEach((c, i) => {
    const p = /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 65;
    sum += i % 2 === 0 ? CF_ODD[p]! : p;
  });
  const check = valid ? sum % 26 : (sum + r.int(1, 25)) % 26;
  return body + String.fromCharCode(65 + check);
}

export function nlBsn(r: Random, valid = true): string {
  for (;;) {
    const d = r.digits(8);
    let sum = 0;
    for (let i = 0; i < 8; i += 1) sum += Number(d[i]) * (9 - i);
    const last = sum % 11;
    if (last > 9 || d[0] === '0') continue;
    return `${d}${valid ? last : (last + r.int(1, 9)) % 10}`;
  }
}

/** A phone number valid in `region` by libphonenumber's metadata, written the way people write it there. */
export function phone(r: Random, region: CountryCode): string {
  const shapes: Record<string, Array<() => string>> = {
    US: [
      () => `(${r.pick(['212', '415', '617', '312', '646'])}) ${r.int(201, 989)}-${r.digits(4)}`,
      () => `+1 ${r.pick(['202', '303', '512'])} ${r.int(201, 989)} ${r.digits(4)}`,
    ],
    GB: [() => `+44 20 7${r.digits(3)} ${r.digits(4)}`, () => `07${r.int(400, 999)} ${r.digits(6)}`],
    DE: [() => `+49 30 ${r.digits(8)}`, () => `0${r.pick(['151', '160', '170', '176'])} ${r.digits(8)}`, () => `089 ${r.digits(7)}`],
    FR: [
      () => `0${r.int(1, 7)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
      () => `+33 6 ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
    ],
    ES: [() => `+34 6${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`, () => `91 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`],
    IT: [() => `+39 3${r.digits(2)} ${r.digits(3)} ${r.digits(4)}`, () => `06 ${r.digits(4)} ${r.digits(4)}`],
    NL: [() => `+31 6 ${r.digits(8)}`, () => `020 ${r.digits(3)} ${r.digits(4)}`],
  };
  for (;;) {
    const value = r.pick(shapes[region]!)();
    if (parsePhoneNumberFromString(value, region)?.isValid()) return value;
  }
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** Well-known public addresses: real checksums without inventing a hashing scheme here. */
export const cryptoAddress = (r: Random): string =>
  r.pick(['1BoatSLRHtKNngkdXEeobR76b53LETtpyT', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq']);

export const salesforceId = (r: Random, prefix: string): string =>
  `${prefix}${r.digits(1)}${Array.from({ length: 11 }, () => r.pick([...BASE58])).join('')}${r.chance(0.5) ? r.pick(['AAA', 'AAI', 'AAQ', 'IAA']) : ''}`;
