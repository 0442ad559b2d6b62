import type { Request, RequestHandler } from 'express';
import type { UserRole } from '@haulproof/contracts';
import type { AppContext } from '../context.js';
import type { Principal } from '../services/principal.js';
import { forbidden, unauthorized } from './errors.js';

/** Reads `Authorization: Bearer <token>` and loads the person behind it, with their current scope. */
export function authenticate(ctx: Pick<AppContext, 'tokens' | 'users'>): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer ([A-Za-z0-9._-]{10,4096})$/.exec(header);
    if (!m?.[1]) return next(unauthorized('log in first: send Authorization: Bearer <token>'));
    const userId = await ctx.tokens.verify(m[1]);
    const principal = userId ? await ctx.users.findPrincipal(userId) : null;
    if (!principal) return next(unauthorized('session expired or user disabled; log in again'));
    res.locals.principal = principal;
    next();
  };
}

export function principalOf(req: Request): Principal {
  const p = req.res?.locals.principal as Principal | undefined;
  if (!p) throw unauthorized();
  return p;
}

/** Refuses everyone whose role is not listed. Scope checks happen in the services. */
export function requireRole(...roles: UserRole[]): RequestHandler {
  return (req, _res, next) => {
    const p = principalOf(req);
    if (!roles.includes(p.role)) return next(forbidden(`this needs the role ${roles.join(' or ')}; you are ${p.role}`));
    next();
  };
}
