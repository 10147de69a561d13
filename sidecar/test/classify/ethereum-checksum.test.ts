import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';

const classifier = createClassifier({ salt: 'test-salt' });
const wallets = async (text: string): Promise<Array<{ value: string; score: number }>> =>
  (await classifier.classify({ text })).filter((e) => e.type === 'CRYPTO').map((e) => ({ value: text.slice(e.start, e.end), score: e.score }));

/** EIP-55 spelled out from the specification, independently of the recognizer. */
const checksummed = (lowerHex: string): string => {
  const hash = bytesToHex(keccak_256(utf8ToBytes(lowerHex)));
  return `0x${[...lowerHex].map((c, i) => (Number.parseInt(hash[i]!, 16) >= 8 ? c.toUpperCase() : c)).join('')}`;
};
/** Twenty addresses: the last 20 bytes of keccak-256 of a counter, as Ethereum derives them from public keys. */
const COMPUTED = Array.from({ length: 20 }, (_, i) => checksummed(bytesToHex(keccak_256(utf8ToBytes(`key ${i}`)).slice(12))));
/** Published checksummed addresses: the EIP-55 test vectors, the WETH contract, and a well-known personal address. */
const PUBLISHED = [
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
  '0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045',
];
const isMixedCase = (a: string): boolean => /[a-f]/.test(a.slice(2)) && /[A-F]/.test(a.slice(2));
/** The address with the case of its `nth` letter flipped. */
const flipLetter = (address: string, nth: number): string => {
  const letters = [...address].flatMap((c, i) => (i >= 2 && /[a-fA-F]/.test(c) ? [i] : []));
  const at = letters[(nth + letters.length) % letters.length]!;
  const c = address[at]!;
  return address.slice(0, at) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + address.slice(at + 1);
};

describe('Ethereum addresses (EIP-55)', () => {
  it('agrees with the published checksums', () => {
    for (const address of PUBLISHED) expect(checksummed(address.slice(2).toLowerCase())).toBe(address);
  });

  it.each([...PUBLISHED, ...COMPUTED].filter(isMixedCase))('reports the checksummed address %s with full confidence', async (address) => {
    expect(await wallets(`Please send the refund to ${address} today.`)).toEqual([{ value: address, score: 1 }]);
  });

  it.each(
    [...PUBLISHED, ...COMPUTED]
      .filter(isMixedCase)
      .flatMap((a) => [flipLetter(a, 0), flipLetter(a, -1)])
      .filter(isMixedCase),
  )('reports nothing for %s, a look-alike with a wrong checksum', async (address) => {
    expect(await wallets(`Please send the refund to ${address} today.`)).toEqual([]);
  });

  it.each([
    '0x52908400098527886E0F7030069857D2E4169EE7',
    '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
    '0xde709f2102306220921060314715629080e2fb77',
    '0x27b1fdb04752bbc536007a920d24acb045561c26',
    '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed',
  ])('reports %s, which carries no checksum, lower unless wallet words are near', async (address) => {
    const [bare] = await wallets(`Please send the refund to ${address} today.`);
    expect(bare?.value).toBe(address);
    expect(bare!.score).toBeGreaterThanOrEqual(0.5);
    expect(bare!.score).toBeLessThan(1);
    for (const text of [`ETH wallet: ${address}`, `Mein Krypto-Wallet ${address}`, `Mi monedero ${address}`]) {
      const [withContext] = await wallets(text);
      expect(withContext!.score).toBeGreaterThan(bare!.score);
    }
  });
});
