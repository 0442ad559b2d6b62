import { CarrierInput, CarrierListQuery, CarrierUpdate } from '@haulproof/contracts';
import type { CarrierService } from '../../../services/registry/carrier.service.js';
import { mapCarrier } from '../../mappers/registry.js';
import { crudRouter } from './crud.js';

export function carrierRoutes(svc: CarrierService) {
  return crudRouter({
    what: 'carrier',
    map: mapCarrier,
    query: CarrierListQuery,
    create: CarrierInput,
    update: CarrierUpdate,
    list: (p, q) => svc.list(p, q),
    get: (p, id) => svc.get(p, id),
    add: (_a, input) => svc.create(input),
    change: (_a, id, patch) => svc.update(id, patch),
    remove: (id) => svc.remove(id),
  });
}
