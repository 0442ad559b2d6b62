import type { ErrorRequestHandler, RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../lib/logger.js';
import { translate as translatePrisma } from '../repositories/registry/db-errors.js';

export interface FieldError {
  path: string;
  message: string;
}

/** A failure the client caused or may see; anything else is a 500 with a generic message. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}
export const badRequest = (m: string, errors?: FieldError[]) => new AppError(400, m, errors);
export const unauthorized = (m = 'authentication required') => new AppError(401, m);
export const forbidden = (m = 'outside your role or scope') => new AppError(403, m);
export const notFound = (m = 'not found') => new AppError(404, m);
export const conflict = (m: string, extra?: Record<string, unknown>) => new AppError(409, m, undefined, extra);
export const unprocessable = (m: string, errors?: FieldError[], extra?: Record<string, unknown>) => new AppError(422, m, errors, extra);

export function zodErrors(err: z.ZodError): FieldError[] {
  return err.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
}

export const correlationId: RequestHandler = (req, res, next) => {
  const incoming = req.get('x-correlation-id');
  const id = incoming && /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : randomUUID();
  res.locals.correlationId = id;
  res.setHeader('X-Correlation-Id', id);
  next();
};

// Errors thrown by express.json / raw-body carry a status and a type.
function bodyParserError(err: unknown): AppError | null {
  const e = err as { type?: string; status?: number; limit?: number };
  switch (e?.type) {
    case 'entity.too.large':
      return new AppError(413, `request body is larger than the limit of ${e.limit} bytes`);
    case 'entity.parse.failed':
      return badRequest('request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'request body must be UTF-8 JSON');
    case 'request.aborted':
      return badRequest('request was aborted');
    default:
      return typeof e?.status === 'number' && e.status >= 400 && e.status < 500 ? new AppError(e.status, (err as Error).message) : null;
  }
}

/** PostgreSQL codes for "the input broke a rule" (CHECK, NOT NULL, bad text for a type, out of range, NUL). */
export const INPUT_RULE_CODES: ReadonlySet<string> = new Set(['23514', '23502', '22P02', '22003', '22007', '22008', '22021']);

// PostgreSQL errors that mean "your input broke a rule", not "we broke".
function databaseError(err: unknown): AppError | null {
  const code = (err as { code?: string })?.code;
  const detail = (err as { detail?: string; message?: string });
  switch (code) {
    case '23505':
      return conflict(`already exists: ${detail.detail ?? detail.message}`);
    case '23503':
      return unprocessable(`refers to something that does not exist or is still in use: ${detail.detail ?? detail.message}`);
    default:
      return code && INPUT_RULE_CODES.has(code) ? unprocessable(`rejected by a database rule: ${detail.message}`) : null;
  }
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known =
      err instanceof AppError ? err : err instanceof z.ZodError ? badRequest('invalid request', zodErrors(err)) : (bodyParserError(err) ?? databaseError(err) ?? translatePrisma('record', err));
    const correlationId = String(res.locals.correlationId ?? randomUUID());
    if (!known) {
      log.error({ err, correlationId, method: req.method, url: req.originalUrl }, 'unhandled error');
      res.status(500).json({ message: 'internal error; quote the correlation id when reporting it', correlationId });
      return;
    }
    if (known.status >= 500) log.error({ err, correlationId }, known.message);
    res.status(known.status).json({ message: known.message, ...(known.errors ? { errors: known.errors } : {}), ...known.extra, correlationId });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => next(notFound(`no route ${req.method} ${req.path}`));
