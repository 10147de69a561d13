/**
 * Validators for the checksummed identifiers, written as checks (not as check-digit generators) so the test
 * does not just repeat the generator. Independent of the classifier's own implementations.
 */
import { createHash } from 'node:crypto';
import { keccak256 } from './keccak.js';

const compact = (s: string): string => s.replace(/[\s.\-/]/g, '').toUpperCase();

export function luhnValid(s: string): boolean {
  const d = compact(s);
  if (!/^\d{13,19}$/.test(d)) return false;
  const sum = [...d].reverse().reduce((acc, ch, i) => {
    const v = Number(ch) * (i % 2 ? 2 : 1);
    return acc + Math.floor(v / 10) + (v % 10);
  }, 0);
  return sum % 10 === 0;
}
const IBAN_LEN: Record<string, number> = { DE: 22, AT: 20, CH: 21, FR: 27, BE: 16, ES: 24, IT: 27, NL: 18, GB: 22 };
export function ibanValid(s: string): boolean {
  const v = compact(s);
  if (IBAN_LEN[v.slice(0, 2)] !== v.length) return false;
  const moved = v.slice(4) + v.slice(0, 4);
  const numeric = [...moved].map((c) => (/\d/.test(c) ? c : String(c.charCodeAt(0) - 55))).join('');
  return BigInt(numeric) % 97n === 1n;
}
export function deTaxIdValid(s: string): boolean {
  const v = compact(s);
  if (!/^[1-9]\d{10}$/.test(v)) return false;
  const first10 = v.slice(0, 10);
  const counts = new Map<string, number>();
  for (const c of first10) counts.set(c, (counts.get(c) ?? 0) + 1);
  const multi = [...counts.entries()].filter(([, n]) => n > 1);
  if (multi.length !== 1 || multi[0]![1] > 3) return false;
  if (multi[0]![1] === 3 && first10.includes(multi[0]![0].repeat(3))) return false;
  // ISO 7064 MOD 11,10 over all 11 digits: the running value ends at 1 when the check digit fits.
  let p = 10;
  for (let i = 0; i < 10; i++) {
    const s1 = (Number(v[i]) + p) % 10 || 10;
    p = (2 * s1) % 11;
  }
  return (11 - p) % 10 === Number(v[10]);
}
export function nirValid(s: string): boolean {
  const v = compact(s);
  if (!/^[12]\d{14}$/.test(v)) return false;
  const m = Number(v.slice(3, 5));
  if (m < 1 || m > 12) return false;
  return (BigInt(v.slice(0, 13)) + BigInt(v.slice(13))) % 97n === 0n;
}
export function nifValid(s: string): boolean {
  const v = compact(s);
  const m = /^([XYZ]?)(\d{7,8})([A-Z])$/.exec(v);
  if (!m) return false;
  const prefix = m[1] ?? '';
  const digits = m[2] ?? '';
  if (digits.length !== (prefix ? 7 : 8)) return false;
  const n = Number(({ '': '', X: '0', Y: '1', Z: '2' } as Record<string, string>)[prefix] + digits);
  return 'TRWAGMYFPDXBNJZSQVHLCKE'.charAt(n % 23) === m[3];
}
export function fiscalCodeValid(s: string): boolean {
  const v = compact(s);
  if (!/^[A-Z]{6}\d{2}[ABCDEHLMPRST]\d{2}[A-Z]\d{3}[A-Z]$/.test(v)) return false;
  const oddTable = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
  let total = 0;
  for (let i = 0; i < 15; i++) {
    const c = v.charCodeAt(i);
    const idx = c >= 65 ? c - 65 : c - 48; // digits map onto A..J in both tables
    total += (i + 1) % 2 === 1 ? oddTable[idx]! : idx;
  }
  return String.fromCharCode(65 + (total % 26)) === v[15];
}
export function bsnValid(s: string): boolean {
  const v = compact(s);
  if (!/^\d{9}$/.test(v)) return false;
  const w = [9, 8, 7, 6, 5, 4, 3, 2, -1];
  return [...v].reduce((a, c, i) => a + Number(c) * w[i]!, 0) % 11 === 0;
}
export function ninoValid(s: string): boolean {
  const v = compact(s);
  const m = /^([A-CEGHJ-PR-TW-Z])([A-CEGHJ-NPR-TW-Z])(\d{6})([A-D])$/.exec(v);
  if (!m) return false;
  return !['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(m[1]! + m[2]!);
}
export function ssnValid(s: string): boolean {
  const m = /^(\d{3})[- ]?(\d{2})[- ]?(\d{4})$/.exec(s.trim());
  if (!m) return false;
  const a = Number(m[1]);
  return a !== 0 && a !== 666 && a < 900 && m[2] !== '00' && m[3] !== '0000';
}
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
export function cryptoValid(s: string): boolean {
  if (/^0x[0-9a-fA-F]{40}$/.test(s)) {
    const hex = s.slice(2);
    const h = Buffer.from(keccak256(Buffer.from(hex.toLowerCase()))).toString('hex');
    return [...hex].every((c, i) => (/\d/.test(c) ? true : parseInt(h[i]!, 16) > 7 === (c === c.toUpperCase())));
  }
  if (/^bc1[02-9ac-hj-np-z]{8,87}$/.test(s)) {
    const data = [...s.slice(3)].map((c) => 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'.indexOf(c));
    const hrp = [...'bc'].map((c) => c.charCodeAt(0));
    let chk = 1;
    for (const v of [...hrp.map((c) => c >> 5), 0, ...hrp.map((c) => c & 31), ...data]) {
      const top = chk >>> 25;
      chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
      [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3].forEach((g, i) => {
        if ((top >> i) & 1) chk = (chk ^ g) >>> 0;
      });
    }
    return chk === 1;
  }
  if (/^[13][1-9A-HJ-NP-Za-km-z]{25,34}$/.test(s)) {
    let n = 0n;
    for (const c of s) n = n * 58n + BigInt(B58.indexOf(c));
    const hex = n.toString(16).padStart(50, '0');
    if (hex.length !== 50) return false;
    const bytes = Buffer.from(hex, 'hex');
    const dbl = createHash('sha256')
      .update(createHash('sha256').update(bytes.subarray(0, 21)).digest())
      .digest();
    return dbl.subarray(0, 4).equals(bytes.subarray(21));
  }
  return false;
}
/** Validator per checksummed entity type (the type names of the shared vocabulary). */
export const VALIDATORS: Record<string, (s: string) => boolean> = {
  CREDIT_CARD: luhnValid,
  IBAN_CODE: ibanValid,
  DE_TAX_ID: deTaxIdValid,
  FR_NIR: nirValid,
  ES_NIF: nifValid,
  IT_FISCAL_CODE: fiscalCodeValid,
  NL_BSN: bsnValid,
  UK_NINO: ninoValid,
  US_SSN: ssnValid,
  CRYPTO: cryptoValid,
};
/** Hard-negative kinds that are checksummed look-alikes, with the validator that must reject them. */
export const BAD_CHECKSUM_KINDS: Record<string, (s: string) => boolean> = {
  card_bad_checksum: luhnValid,
  iban_bad_checksum: ibanValid,
  de_tax_id_bad_checksum: deTaxIdValid,
  fr_nir_bad_checksum: nirValid,
  es_nif_bad_checksum: nifValid,
  it_fiscal_code_bad_checksum: fiscalCodeValid,
  nl_bsn_bad_checksum: bsnValid,
  us_ssn_invalid: ssnValid,
};
