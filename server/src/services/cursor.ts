import { badRequest } from '../http/errors.js';

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: Record<string, string>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): { weighedAt: string; id: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { weighedAt?: unknown; id?: unknown };
    if (typeof v.weighedAt === 'string' && !Number.isNaN(Date.parse(v.weighedAt)) && typeof v.id === 'string' && /^[0-9a-f-]{36}$/.test(v.id)) {
      return { weighedAt: v.weighedAt, id: v.id };
    }
  } catch {
    // fall through
  }
  throw badRequest('invalid cursor; use nextCursor from the previous page', [{ path: 'cursor', message: 'not a cursor this API issued' }]);
}

/**
 * A keyset cursor with named fields, each checked against its pattern (the reconciliation lists:
 * runs by day and route, legs by departure, balances by day or period, site and stream).
 */
export function decodeKey<K extends string>(cursor: string, fields: Record<K, RegExp>): Record<K, string> {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const out = {} as Record<K, string>;
    let ok = typeof v === 'object' && v !== null;
    for (const k of Object.keys(fields) as K[]) {
      const x = ok ? v[k] : undefined;
      if (typeof x !== 'string' || !fields[k].test(x)) ok = false;
      else out[k] = x;
    }
    if (ok) return out;
  } catch {
    // fall through
  }
  throw badRequest('invalid cursor; use nextCursor from the previous page', [{ path: 'cursor', message: 'not a cursor this API issued' }]);
}
