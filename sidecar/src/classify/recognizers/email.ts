import { definePatternRecognizer } from './pattern-recognizer.js';

const EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:[\p{L}]{2,24}|xn--[a-z0-9-]{2,59})(?![\p{L}\p{N}-])/gu;

/** The local part neither starts nor ends with a dot, nor holds two in a row. */
const localPartValid = (address: string): boolean => {
  const local = address.slice(0, address.indexOf('@'));
  return !(local.startsWith('.') || local.endsWith('.') || local.includes('..'));
};

export const email = definePatternRecognizer({
  name: 'pattern:email',
  type: 'EMAIL_ADDRESS',
  patterns: [{ regex: EMAIL, score: 1, hint: /@/, validate: (m) => localPartValid(m[0]) }],
});
