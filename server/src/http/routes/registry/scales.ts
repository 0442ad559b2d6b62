import { ScaleInput, ScaleListQuery, ScaleUpdate } from '@haulproof/contracts';
import type { ScaleService } from '../../../services/registry/scale.service.js';
import { mapScale } from '../../mappers/registry.js';
import { crudRouter } from './crud.js';

export function scaleRoutes(svc: ScaleService) {
  return crudRouter({
    what: 'scale',
    map: mapScale,
    query: ScaleListQuery,
    create: ScaleInput,
    update: ScaleUpdate,
    list: (_p, q) => svc.list(q),
    get: (_p, id) => svc.get(id),
    add: (_a, input) => svc.create(input),
    change: (_a, id, patch) => svc.update(id, patch),
    remove: (id) => svc.remove(id),
  });
}
