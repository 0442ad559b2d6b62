import { Router } from 'express';
import { PageQuery, UserInput, UserUpdate } from '@haulproof/contracts';
import { USER_ADMINS } from '../../../services/principal.js';
import type { UserService } from '../../../services/registry/user.service.js';
import { requireRole } from '../../auth.js';
import { mapUser } from '../../mappers/registry.js';
import { crudRouter } from './crud.js';

/** Users: admins only, reads included. No DELETE: deactivate with PATCH {active: false}. */
export function userRoutes(svc: UserService): Router {
  const r = Router();
  r.use(requireRole(...USER_ADMINS));
  return crudRouter(
    {
      what: 'user',
      map: mapUser,
      query: PageQuery,
      create: UserInput,
      update: UserUpdate,
      list: (_p, q) => svc.list(q),
      get: (_p, id) => svc.get(id),
      add: (_a, input) => svc.create(input),
      change: (_a, id, patch) => svc.update(id, patch),
    },
    r,
  );
}
