/** Salesforce record ids: 15 case-sensitive characters, or 18 with the case-safe checksum suffix. */

const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The three-character case-safe suffix Salesforce appends to a 15-character id. */
export const idSuffix = (id15: string): string => {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let position = 0; position < 5; position += 1) {
      const char = id15.charAt(chunk * 5 + position);
      if (char >= 'A' && char <= 'Z') bits |= 1 << position;
    }
    suffix += SUFFIX.charAt(bits);
  }
  return suffix;
};

export const isSalesforceId = (value: string): boolean => /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(value);

/** The 18-character form of a 15- or 18-character id. */
export const toId18 = (value: string): string => (value.length === 15 ? value + idSuffix(value) : value);

/** Whether an 18-character id's last three characters are the case-safe suffix of its first 15 (always true for 15). */
export const hasValidSuffix = (value: string): boolean => value.length !== 18 || value.slice(15) === idSuffix(value.slice(0, 15));

/**
 * The one form in which the sidecar keys, stores and compares an org: the 18-character id.
 * Accepts either form of a valid id; callers check the suffix of an 18-character id they were
 * sent (`hasValidSuffix`) before they trust it.
 */
export const orgKey = (orgId: string): string => toId18(orgId.slice(0, 15));
