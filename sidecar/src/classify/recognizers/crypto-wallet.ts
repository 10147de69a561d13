import { createHash } from 'node:crypto';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { definePatternRecognizer } from './pattern-recognizer.js';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const LEGACY = /(?<![\p{L}\p{N}])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![\p{L}\p{N}])/gu;
const SEGWIT = /(?<![\p{L}\p{N}])(?:bc|tb)1[02-9ac-hj-np-z]{11,71}(?![\p{L}\p{N}])/giu;
const ETHEREUM = /(?<![\p{L}\p{N}])0x[0-9a-fA-F]{40}(?![\p{L}\p{N}])/gu;
/** Cheap necessary conditions for a match of each expression. */
const MAYBE_LEGACY = /[13][1-9A-HJ-NP-Za-km-z]{25}/;
const MAYBE_SEGWIT = /(?:bc|tb)1/i;

/** An all-lower or all-upper Ethereum address carries no checksum: reported, below a checksummed one. */
const UNCHECKED_ETHEREUM_SCORE = 0.55;

const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

function base58Decode(s: string): Uint8Array | null {
  let n = 0n;
  for (const c of s) {
    const v = BASE58.indexOf(c);
    if (v < 0) return null;
    n = n * 58n + BigInt(v);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n % 256n));
    n /= 256n;
  }
  for (const c of s) {
    if (c !== '1') break;
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}

/** Base58Check: 25 bytes, version 0x00 (P2PKH) or 0x05 (P2SH), double-SHA-256 checksum. */
export function base58CheckValid(address: string): boolean {
  const bytes = base58Decode(address);
  if (!bytes || bytes.length !== 25 || (bytes[0] !== 0 && bytes[0] !== 5)) return false;
  const check = sha256(sha256(bytes.subarray(0, 21)));
  return check.subarray(0, 4).equals(Buffer.from(bytes.subarray(21)));
}

function polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i += 1) if ((top >>> i) & 1) chk ^= gen[i]!;
  }
  return chk >>> 0;
}

/** BIP-173 bech32 (witness v0) and BIP-350 bech32m (v1+) checksums. */
export function bech32Valid(address: string): boolean {
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) return false;
  const lower = address.toLowerCase();
  const sep = lower.lastIndexOf('1');
  const hrp = lower.slice(0, sep);
  const data = [...lower.slice(sep + 1)].map((c) => BECH32.indexOf(c));
  if (data.some((d) => d < 0) || data.length < 7) return false;
  const expanded = [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31)];
  const constant = polymod([...expanded, ...data]);
  return data[0] === 0 ? constant === 1 : constant === 0x2bc830a3;
}

/** EIP-55: the checksummed spelling of an Ethereum address, each letter upper-case where its keccak-256 nibble is >= 8. */
function eip55Checksummed(address: string): string {
  const hex = address.slice(2).toLowerCase();
  const hash = bytesToHex(keccak_256(utf8ToBytes(hex)));
  let out = '0x';
  for (let i = 0; i < hex.length; i += 1) out += Number.parseInt(hash[i]!, 16) >= 8 ? hex[i]!.toUpperCase() : hex[i]!;
  return out;
}

/** `checksummed` when a mixed-case address passes EIP-55, `unchecked` when it is all one case, else `invalid`. */
function ethereumChecksum(address: string): 'checksummed' | 'unchecked' | 'invalid' {
  const hex = address.slice(2);
  if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return 'unchecked';
  return eip55Checksummed(address) === `0x${hex}` ? 'checksummed' : 'invalid';
}

export const cryptoWallet = definePatternRecognizer({
  name: 'pattern:crypto',
  type: 'CRYPTO',
  needsDigit: true,
  patterns: [
    { regex: LEGACY, score: 1, hint: MAYBE_LEGACY, validate: (m) => base58CheckValid(m[0]) },
    { regex: SEGWIT, score: 1, hint: MAYBE_SEGWIT, validate: (m) => bech32Valid(m[0]) },
    {
      regex: ETHEREUM,
      score: (m) => (ethereumChecksum(m[0]) === 'checksummed' ? 1 : UNCHECKED_ETHEREUM_SCORE),
      hint: /0x/,
      validate: (m) => ethereumChecksum(m[0]) !== 'invalid',
    },
  ],
});
