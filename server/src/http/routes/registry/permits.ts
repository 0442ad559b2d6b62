import { PermitInput, PermitListQuery, PermitUpdate } from '@haulproof/contracts';
import type { PermitService } from '../../../services/registry/permit.service.js';
import { mapPermit } from '../../mappers/registry.js';
import { crudRouter } from './crud.js';

export function permitRoutes(svc: PermitService) {
  return crudRouter({
    what: 'permit',
    map: mapPermit,
    query: PermitListQuery,
    create: PermitInput,
    update: PermitUpdate,
    list: (p, q) => svc.list(p, q),
    get: (p, id) => svc.get(p, id),
    add: (_a, input) => svc.create(input),
    change: (_a, id, patch) => svc.update(id, patch),
    remove: (id) => svc.remove(id),
  });
}
