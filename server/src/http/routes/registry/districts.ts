import { DistrictInput, DistrictUpdate, PageQuery } from '@haulproof/contracts';
import type { DistrictService } from '../../../services/registry/district.service.js';
import { mapDistrict } from '../../mappers/registry.js';
import { crudRouter } from './crud.js';

export function districtRoutes(svc: DistrictService) {
  return crudRouter({
    what: 'district',
    map: mapDistrict,
    query: PageQuery,
    create: DistrictInput,
    update: DistrictUpdate,
    list: (_p, q) => svc.list(q),
    get: (_p, id) => svc.get(id),
    add: (_a, input) => svc.create(input),
    change: (_a, id, patch) => svc.update(id, patch),
    remove: (id) => svc.remove(id),
  });
}
