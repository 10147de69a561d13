/**
 * Identifier generators with their check digits computed from the published algorithms (written for this
 * corpus, independently of the classifier). `bad*` variants change the check digit so the checksum fails.
 */
import { createHash } from 'node:crypto';
import { keccak256 } from './keccak.js';
import type { Rng } from './rng.js';

const group = (s: string, n: number, sep = ' '): string => s.match(new RegExp(`.{1,${n}}`, 'g'))!.join(sep);
const wrongDigit = (r: Rng, d: string): string => {
  let x = d;
  while (x === d) x = String(r.int(0, 9));
  return x;
};

// ---------- Luhn / cards ----------
export function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}
export function cardNumber(r: Rng): { digits: string; brand: string } {
  const kind = r.int(0, 4);
  let prefix: string;
  let len: number;
  let brand: string;
  if (kind === 0) {
    prefix = '4' + r.digits(5);
    len = 16;
    brand = 'Visa';
  } else if (kind === 1) {
    prefix = String(r.int(51, 55)) + r.digits(4);
    len = 16;
    brand = 'Mastercard';
  } else if (kind === 2) {
    prefix = String(r.int(2221, 2720)) + r.digits(2);
    len = 16;
    brand = 'Mastercard';
  } else if (kind === 3) {
    prefix = r.pick(['34', '37']) + r.digits(4);
    len = 15;
    brand = 'American Express';
  } else {
    prefix = '6011' + r.digits(2);
    len = 16;
    brand = 'Discover';
  }
  const body = prefix + r.digits(len - 1 - prefix.length);
  return { digits: body + luhnCheckDigit(body), brand };
}
export function formatCard(r: Rng, d: string): string {
  const style = r.int(0, 3);
  if (d.length === 15) return style === 0 ? d : `${d.slice(0, 4)}${style === 1 ? '-' : ' '}${d.slice(4, 10)}${style === 1 ? '-' : ' '}${d.slice(10)}`;
  return style === 0 ? d : group(d, 4, style === 1 ? '-' : ' ');
}
export function badCard(r: Rng): string {
  const { digits } = cardNumber(r);
  return digits.slice(0, -1) + wrongDigit(r, digits.slice(-1));
}

// ---------- IBAN ----------
const mod97 = (numeric: string): number => {
  let m = 0;
  for (const ch of numeric) m = (m * 10 + Number(ch)) % 97;
  return m;
};
const lettersToDigits = (s: string): string => s.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
export function ibanFromBban(country: string, bban: string): string {
  const check = 98 - mod97(lettersToDigits(bban + country + '00'));
  return country + String(check).padStart(2, '0') + bban;
}
// Italian CIN and fiscal-code check character share the odd/even tables.
const ODD: Record<string, number> = {};
'0:1,1:0,2:5,3:7,4:9,5:13,6:15,7:17,8:19,9:21,A:1,B:0,C:5,D:7,E:9,F:13,G:15,H:17,I:19,J:21,K:2,L:4,M:18,N:20,O:11,P:3,Q:6,R:8,S:12,T:14,U:16,V:10,W:22,X:25,Y:24,Z:23'
  .split(',')
  .forEach((kv) => {
    const [k, v] = kv.split(':');
    ODD[k!] = Number(v);
  });
const evenVal = (c: string): number => (/[0-9]/.test(c) ? Number(c) : c.charCodeAt(0) - 65);
export function italianCheckChar(s: string): string {
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += i % 2 === 0 ? ODD[s[i]!]! : evenVal(s[i]!);
  return String.fromCharCode(65 + (sum % 26));
}
function esControl(ten: string): string {
  const w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
  let s = 0;
  for (let i = 0; i < 10; i++) s += Number(ten[i]) * w[i]!;
  const c = 11 - (s % 11);
  return String(c === 11 ? 0 : c === 10 ? 1 : c);
}
export const IBAN_COUNTRIES = ['DE', 'AT', 'CH', 'FR', 'BE', 'ES', 'IT', 'NL', 'GB'] as const;
export function ibanFor(r: Rng, country: string): string {
  switch (country) {
    case 'DE':
      return ibanFromBban('DE', r.digits(8) + r.digits(10));
    case 'AT':
      return ibanFromBban('AT', r.digits(5) + r.digits(11));
    case 'CH':
      return ibanFromBban('CH', r.digits(5) + r.digits(12));
    case 'BE': {
      const b = r.digits(10);
      const k = Number(BigInt(b) % 97n) || 97;
      return ibanFromBban('BE', b + String(k).padStart(2, '0'));
    }
    case 'FR': {
      const bank = r.digits(5);
      const branch = r.digits(5);
      const acct = r.digits(11);
      const key = 97 - Number((89n * BigInt(bank) + 15n * BigInt(branch) + 3n * BigInt(acct)) % 97n);
      return ibanFromBban('FR', bank + branch + acct + String(key).padStart(2, '0'));
    }
    case 'ES': {
      const bank = r.digits(4);
      const branch = r.digits(4);
      const acct = r.digits(10);
      return ibanFromBban('ES', bank + branch + esControl('00' + bank + branch) + esControl(acct) + acct);
    }
    case 'IT': {
      const abi = r.digits(5);
      const cab = r.digits(5);
      const acct = r.digits(12);
      return ibanFromBban('IT', italianCheckChar(abi + cab + acct) + abi + cab + acct);
    }
    case 'NL': {
      const bank = r.pick(['ABNA', 'INGB', 'RABO', 'SNSB', 'TRIO', 'KNAB', 'BUNQ']);
      let acct = '';
      for (;;) {
        acct = r.digits(10);
        let s = 0;
        for (let i = 0; i < 10; i++) s += Number(acct[i]) * (10 - i);
        if (s % 11 === 0 && acct[0] === '0') break;
      }
      return ibanFromBban('NL', bank + acct);
    }
    case 'GB':
      return ibanFromBban('GB', r.pick(['NWBK', 'BARC', 'HBUK', 'LOYD', 'MIDL']) + r.digits(6) + r.digits(8));
    default:
      throw new Error(country);
  }
}
export const formatIban = (r: Rng, iban: string): string => (r.chance(0.7) ? group(iban, 4) : iban);
export function badIban(r: Rng, country: string): string {
  const iban = ibanFor(r, country);
  const k = iban.slice(2, 4);
  let k2 = k;
  while (k2 === k) k2 = String(r.int(2, 98)).padStart(2, '0');
  return iban.slice(0, 2) + k2 + iban.slice(4);
}

// ---------- DE Steuer-IdNr ----------
export function deTaxCheck(ten: string): string {
  let product = 10;
  for (const ch of ten) {
    let sum = (Number(ch) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const c = 11 - product;
  return String(c === 10 ? 0 : c);
}
function deTaxBody(r: Rng): string {
  for (;;) {
    // one digit twice (or three times, not adjacent three in a row), at least one digit missing, first digit not 0
    const times = r.chance(0.7) ? 2 : 3;
    const all = r.shuffle(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const rep = all[0]!;
    const others = all.slice(1, 1 + (10 - times));
    const ds = r.shuffle([...others, ...Array<string>(times).fill(rep)]);
    const s = ds.join('');
    if (s[0] === '0') continue;
    if (times === 3 && s.includes(rep.repeat(3))) continue;
    return s;
  }
}
export function deTaxId(r: Rng): string {
  const b = deTaxBody(r);
  return b + deTaxCheck(b);
}
export function badDeTaxId(r: Rng): string {
  const b = deTaxBody(r);
  return b + wrongDigit(r, deTaxCheck(b));
}
export const formatDeTax = (r: Rng, v: string): string => (r.chance(0.5) ? v : `${v.slice(0, 2)} ${v.slice(2, 5)} ${v.slice(5, 8)} ${v.slice(8)}`);

// ---------- FR NIR ----------
function nirBody(r: Rng, sex?: 1 | 2, yy?: number, mm?: number): string {
  const dep = String(r.pick([1, 6, 13, 31, 33, 34, 38, 44, 59, 67, 69, 75, 76, 78, 92, 93, 94])).padStart(2, '0');
  return (
    String(sex ?? r.int(1, 2)) +
    String(yy ?? r.int(40, 99)).padStart(2, '0') +
    String(mm ?? r.int(1, 12)).padStart(2, '0') +
    dep +
    r.digits(3) +
    String(r.int(1, 999)).padStart(3, '0')
  );
}
export const nirKey = (body13: string): string => String(97 - Number(BigInt(body13) % 97n)).padStart(2, '0');
export function frNir(r: Rng): string {
  const b = nirBody(r);
  return b + nirKey(b);
}
export function badFrNir(r: Rng): string {
  const b = nirBody(r);
  const k = nirKey(b);
  let k2 = k;
  while (k2 === k) k2 = String(r.int(1, 97)).padStart(2, '0');
  return b + k2;
}
export const formatNir = (r: Rng, v: string): string =>
  r.chance(0.6) ? `${v[0]} ${v.slice(1, 3)} ${v.slice(3, 5)} ${v.slice(5, 7)} ${v.slice(7, 10)} ${v.slice(10, 13)} ${v.slice(13)}` : v;

// ---------- ES DNI / NIE ----------
const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
export function esNif(r: Rng): string {
  if (r.chance(0.3)) {
    const p = r.pick(['X', 'Y', 'Z']);
    const d = r.digits(7);
    return p + d + DNI_LETTERS[Number(String('XYZ'.indexOf(p)) + d) % 23];
  }
  const d = String(r.int(10000000, 79999999));
  return d + DNI_LETTERS[Number(d) % 23];
}
export function badEsNif(r: Rng): string {
  const v = esNif(r);
  let l = v.slice(-1);
  const orig = l;
  while (l === orig) l = r.pick([...DNI_LETTERS]);
  return v.slice(0, -1) + l;
}

// ---------- IT codice fiscale ----------
const MONTHS_CF = 'ABCDEHLMPRST';
const consonants = (s: string): string =>
  s
    .toUpperCase()
    .replace(/[^A-Z]/g, '')
    .replace(/[AEIOU]/g, '');
const vowels = (s: string): string =>
  s
    .toUpperCase()
    .replace(/[^A-Z]/g, '')
    .replace(/[^AEIOU]/g, '');
const strip = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
function cfPart(s: string, isFirst: boolean): string {
  const c = consonants(strip(s));
  const v = vowels(strip(s));
  if (isFirst && c.length > 3) return c[0]! + c[2]! + c[3]!;
  return (c + v + 'XXX').slice(0, 3);
}
export const BELFIORE = ['H501', 'F205', 'L219', 'F839', 'G273', 'A944', 'D612', 'L736', 'D969', 'C351', 'B157', 'G224'];
export function itFiscalCode(r: Rng, first: string, last: string, female: boolean, birth: { y: number; m: number; d: number }): string {
  const body =
    cfPart(last, false) +
    cfPart(first, true) +
    String(birth.y % 100).padStart(2, '0') +
    MONTHS_CF[birth.m - 1] +
    String(birth.d + (female ? 40 : 0)).padStart(2, '0') +
    r.pick(BELFIORE);
  return body + italianCheckChar(body);
}
export function badItFiscalCode(r: Rng, first: string, last: string, female: boolean, birth: { y: number; m: number; d: number }): string {
  const v = itFiscalCode(r, first, last, female, birth);
  const c = v.slice(-1);
  let c2 = c;
  while (c2 === c) c2 = String.fromCharCode(65 + r.int(0, 25));
  return v.slice(0, -1) + c2;
}

// ---------- NL BSN ----------
const bsnSum = (s: string): number => {
  let t = 0;
  for (let i = 0; i < 8; i++) t += Number(s[i]) * (9 - i);
  return t - Number(s[8]);
};
export function nlBsn(r: Rng): string {
  for (;;) {
    const s = String(r.int(1, 6)) + r.digits(8);
    if (bsnSum(s) % 11 === 0) return s;
  }
}
export function badNlBsn(r: Rng): string {
  for (;;) {
    const s = String(r.int(1, 6)) + r.digits(8);
    if (bsnSum(s) % 11 !== 0) return s;
  }
}

// ---------- UK NINO / US SSN ----------
export function ukNino(r: Rng): string {
  for (;;) {
    const a = r.chars('ABCEGHJKLMNOPRSTWXYZ', 1);
    const b = r.chars('ABCEGHJKLMNPRSTWXYZ', 1);
    if (['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(a + b)) continue;
    const d = r.digits(6);
    const s = r.chars('ABCD', 1);
    return r.chance(0.6) ? `${a}${b} ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4)} ${s}` : `${a}${b}${d}${s}`;
  }
}
export function usSsn(r: Rng): string {
  let area = 0;
  while (area === 0 || area === 666) area = r.int(1, 899);
  const g = r.int(1, 99);
  const s = r.int(1, 9999);
  const sep = r.pick(['-', '-', ' ']);
  return `${String(area).padStart(3, '0')}${sep}${String(g).padStart(2, '0')}${sep}${String(s).padStart(4, '0')}`;
}
export function badUsSsn(r: Rng): string {
  const k = r.int(0, 3);
  const area = k === 0 ? '000' : k === 1 ? '666' : k === 2 ? String(r.int(900, 999)) : String(r.int(100, 665));
  const grp = k === 3 ? '00' : String(r.int(10, 99));
  return `${area}-${grp}-${String(r.int(1000, 9999))}`;
}

// ---------- passports ----------
export function passport(r: Rng, country: string): string {
  switch (country) {
    case 'DE':
      return r.chars('CFGHJK', 1) + r.chars('0123456789CFGHJKLMNPRTVWXYZ', 8);
    case 'FR':
      return r.digits(2) + r.chars('ABCDEFGHJKLMNPRSTUVWXYZ', 2) + r.digits(5);
    case 'IT':
      return r.chars('ABCDEFGHJKLMNPRSTUVWXYZ', 2) + r.digits(7);
    case 'ES':
      return r.pick(['PA', 'XD', 'AA']) + r.chars('ABCDEFGHJKLMNPRSTUVWXYZ', 1) + r.digits(6);
    case 'NL':
      return r.pick(['NW', 'NX', 'NP', 'NR', 'BH']) + r.chars('ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789', 6) + r.digits(1);
    case 'GB':
      return String(r.int(1, 9)) + r.digits(8);
    case 'US':
      return String(r.int(1, 9)) + r.digits(8);
    default:
      throw new Error(country);
  }
}

// ---------- crypto ----------
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();
export function base58(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let s = '';
  while (n > 0n) {
    s = B58[Number(n % 58n)] + s;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    s = '1' + s;
  }
  return s;
}
export function btcBase58(r: Rng): string {
  const payload = Buffer.concat([Buffer.from([r.chance(0.6) ? 0x00 : 0x05]), Buffer.from(r.bytes(20))]);
  const check = sha256(sha256(payload)).subarray(0, 4);
  return base58(Buffer.concat([payload, check]));
}
const BECH = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
export function bech32Polymod(values: number[]): number {
  const G = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const b = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((b >>> i) & 1) chk ^= G[i]!;
  }
  return chk >>> 0;
}
export const hrpExpand = (h: string): number[] => [...[...h].map((c) => c.charCodeAt(0) >> 5), 0, ...[...h].map((c) => c.charCodeAt(0) & 31)];
export function btcBech32(r: Rng): string {
  const prog = r.bytes(20);
  const data = [0];
  let acc = 0;
  let bits = 0;
  for (const b of prog) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      data.push((acc >> bits) & 31);
    }
  }
  if (bits) data.push((acc << (5 - bits)) & 31);
  const pm = bech32Polymod([...hrpExpand('bc'), ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
  const check = [0, 1, 2, 3, 4, 5].map((i) => (pm >>> (5 * (5 - i))) & 31);
  return 'bc1' + [...data, ...check].map((d) => BECH[d]).join('');
}
export function ethChecksum(hex40: string): string {
  const h = Buffer.from(keccak256(Buffer.from(hex40.toLowerCase(), 'ascii'))).toString('hex');
  return '0x' + [...hex40.toLowerCase()].map((c, i) => (parseInt(h[i]!, 16) >= 8 ? c.toUpperCase() : c)).join('');
}
export const ethAddress = (r: Rng): string => ethChecksum(Buffer.from(r.bytes(20)).toString('hex'));
