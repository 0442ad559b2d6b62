import type { z } from 'zod';
import { badRequest, zodErrors } from './errors.js';

/** Parses untrusted input or throws a 400 naming every bad field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw badRequest(`invalid ${what}`, zodErrors(r.error));
  return r.data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export function parseId(raw: unknown, what = 'id'): string {
  if (typeof raw !== 'string' || !UUID.test(raw)) throw badRequest(`${what} must be a UUID`, [{ path: what, message: 'not a UUID' }]);
  return raw.toLowerCase();
}
