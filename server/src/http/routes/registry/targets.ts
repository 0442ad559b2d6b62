import { TargetInput, TargetListQuery, TargetUpdate } from '@haulproof/contracts';
import type { TargetService } from '../../../services/registry/target.service.js';
import { mapTarget } from '../../mappers/registry.js';
import { crudRouter } from './crud.js';

export function targetRoutes(svc: TargetService) {
  return crudRouter({
    what: 'target',
    map: mapTarget,
    query: TargetListQuery,
    create: TargetInput,
    update: TargetUpdate,
    list: (p, q) => svc.list(p, q),
    get: (p, id) => svc.get(p, id),
    add: (_a, input) => svc.create(input),
    change: (_a, id, patch) => svc.update(id, patch),
    remove: (id) => svc.remove(id),
  });
}
