import { DriverInput, DriverListQuery, DriverUpdate } from '@haulproof/contracts';
import type { DriverService } from '../../../services/registry/driver.service.js';
import { mapDriver } from '../../mappers/registry.js';
import { crudRouter } from './crud.js';

export function driverRoutes(svc: DriverService) {
  return crudRouter({
    what: 'driver',
    map: mapDriver,
    query: DriverListQuery,
    create: DriverInput,
    update: DriverUpdate,
    list: (p, q) => svc.list(p, q),
    get: (p, id) => svc.get(p, id),
    add: (_a, input) => svc.create(input),
    change: (_a, id, patch) => svc.update(id, patch),
    remove: (id) => svc.remove(id),
  });
}
