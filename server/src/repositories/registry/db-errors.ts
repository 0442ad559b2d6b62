import { Prisma } from '../../generated/prisma/client.js';
import { AppError, INPUT_RULE_CODES, conflict, notFound, unprocessable } from '../../http/errors.js';

interface AdapterCause {
  originalCode?: string;
  originalMessage?: string;
  constraint?: { index?: string; fields?: string[] };
  detail?: string;
}

/**
 * Runs a registry query and turns the database's refusals into client errors:
 * unique → 409, a missing or still-referenced row → 422, a CHECK rule → 422, no such row → 404.
 * Used for every write, and for reads filtered by free text. The services check the common cases
 * first with better messages; this catches the rest (and races).
 */
export async function guard<T>(what: string, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    throw translate(what, err) ?? err;
  }
}

export function translate(what: string, err: unknown): AppError | null {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return null;
  const cause = ((err.meta as { driverAdapterError?: { cause?: AdapterCause } } | undefined)?.driverAdapterError?.cause ?? {}) as AdapterCause;
  const constraint = cause.constraint?.index ?? cause.constraint?.fields?.join(', ') ?? '';
  switch (err.code) {
    case 'P2002':
      return conflict(`a ${what} like this already exists (${constraint || 'unique rule'})`);
    case 'P2003':
      return /update or delete on table/.test(cause.originalMessage ?? '')
        ? unprocessable(`this ${what} is still referred to by other records (${constraint}); retire or deactivate it instead`)
        : unprocessable(`the ${what} refers to something that does not exist (${constraint})`);
    case 'P2025':
      return notFound(`no such ${what}`);
  }
  if (cause.originalCode && INPUT_RULE_CODES.has(cause.originalCode)) {
    // e.g. a NUL character, which PostgreSQL text cannot hold (22021)
    return unprocessable(`the ${what} was rejected by a database rule: ${cause.originalMessage ?? err.code}`);
  }
  return null;
}
