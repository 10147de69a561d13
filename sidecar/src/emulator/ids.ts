import { idSuffix } from '../contract/salesforce-id.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** An 18-character record id: key prefix, a pod marker, a base-62 counter, the checksum suffix. */
export const recordId = (keyPrefix: string, counter: number): string => {
  let digits = '';
  let rest = counter;
  for (let position = 0; position < 9; position += 1) {
    digits = BASE62.charAt(rest % 62) + digits;
    rest = Math.floor(rest / 62);
  }
  const id15 = `${keyPrefix}5g0${digits}`;
  return id15 + idSuffix(id15);
};
