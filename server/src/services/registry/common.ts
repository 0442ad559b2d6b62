import type { z } from 'zod';
import { forbidden, notFound } from '../../http/errors.js';
import { parse } from '../../http/validate.js';

/** A role that may not read this kind of thing at all gets a 403 before any query. */
export function allowed<S>(scope: S | null, what: string): S {
  if (scope === null) throw forbidden(`your role and scope do not cover ${what}`);
  return scope;
}

/** The row, or 404. */
export function found<T>(row: T | null, what: string, id: string): T {
  if (row === null) throw notFound(`no ${what} ${id}`);
  return row;
}

/**
 * A row looked up within the asker's scope: present → the row; absent but it exists → 403
 * (outside your scope); absent altogether → 404.
 */
export async function visible<T>(row: T | null, exists: () => Promise<boolean>, what: string, id: string): Promise<T> {
  if (row !== null) return row;
  if (await exists()) throw forbidden(`this ${what} is outside your scope`);
  throw notFound(`no ${what} ${id}`);
}

/**
 * PATCH semantics: the stored record with the patch laid over it, validated as a whole by the
 * create schema, so a patch can never produce a record a create would refuse (min ≥ max, a tare
 * without dates, a scope that does not fit the role…).
 */
export function patched<S extends z.ZodType>(schema: S, current: z.input<S>, patch: object, what: string): z.infer<S> {
  return parse(schema, { ...(current as object), ...patch }, what);
}

export const distinct = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** A calendar date (DATE column) as YYYY-MM-DD and back; DATE values travel as UTC midnight. */
export const dateOnly = (d: Date): string => d.toISOString().slice(0, 10);
export const fromDateOnly = (s: string): Date => new Date(`${s}T00:00:00.000Z`);

/** Decimal (or null) to number. */
export const num = (d: { toString(): string } | null): number | null => (d === null ? null : Number(d.toString()));
