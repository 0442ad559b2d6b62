import { Router } from 'express';
import { LoginInput } from '@haulproof/contracts';
import type { AppContext } from '../../context.js';
import { AppUserRepository } from '../../repositories/registry/app-user.repository.js';
import { AuthService, LoginThrottle } from '../../services/auth.service.js';
import { principalOf } from '../auth.js';
import { AppError } from '../errors.js';
import { parse } from '../validate.js';

/** POST /api/v1/auth/login — public. */
export function loginRoutes(ctx: Pick<AppContext, 'db' | 'tokens' | 'log'>): Router {
  const auth = new AuthService(new AppUserRepository(ctx.db.prisma), ctx.tokens, new LoginThrottle());
  const log = ctx.log.child({ module: 'auth' });
  const r = Router();
  r.post('/login', async (req, res) => {
    const input = parse(LoginInput, req.body, 'login');
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    try {
      res.json(await auth.login(input, ip));
    } catch (err) {
      if (err instanceof AppError && err.status === 429) {
        log.warn({ username: input.username, ip, correlationId: res.locals.correlationId }, 'login throttled after repeated failures');
        res.set('Retry-After', String(err.extra?.retryAfterS ?? 900));
      }
      throw err;
    }
  });
  return r;
}

/** GET /api/v1/auth/me — the logged-in person, with current role and scope. */
export function sessionRoutes(ctx: Pick<AppContext, 'db' | 'tokens'>): Router {
  const auth = new AuthService(new AppUserRepository(ctx.db.prisma), ctx.tokens, new LoginThrottle());
  const r = Router();
  r.get('/me', async (req, res) => {
    res.json(await auth.me(principalOf(req)));
  });
  return r;
}
