/**
 * Canonical JSON for signed records: object keys sorted by UTF-16 code unit,
 * no whitespace, integers only (no floats, no exponent), strings NFC.
 * One value has exactly one encoding, so a record cannot be re-encoded into a
 * different byte string that means the same thing.
 */
export type CanonicalValue = null | boolean | number | string | CanonicalValue[] | { [k: string]: CanonicalValue | undefined };

export class NotCanonicalError extends Error {}

export function canonicalJson(value: CanonicalValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new NotCanonicalError(`only safe integers may be signed, got ${value}`);
      return String(value);
    case 'string':
      return JSON.stringify(value.normalize('NFC'));
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const keys = Object.keys(value)
        .filter((k) => value[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as CanonicalValue)}`).join(',')}}`;
    }
    default:
      throw new NotCanonicalError(`cannot sign a ${typeof value}`);
  }
}

export function canonicalBytes(value: CanonicalValue): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

/**
 * Parses signed bytes and insists they are already canonical. This rejects
 * duplicate keys, whitespace and float spellings that JSON.parse would accept.
 */
export function parseCanonical(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new NotCanonicalError('record is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new NotCanonicalError('record is not valid JSON');
  }
  if (canonicalJson(parsed as CanonicalValue) !== text) {
    throw new NotCanonicalError('record bytes are not in canonical form (sorted keys, no whitespace, integers, NFC)');
  }
  return parsed;
}
