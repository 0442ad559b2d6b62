import { VehicleInput, VehicleListQuery, VehicleUpdate } from '@haulproof/contracts';
import type { VehicleService } from '../../../services/registry/vehicle.service.js';
import { mapVehicle } from '../../mappers/registry.js';
import { crudRouter } from './crud.js';

export function vehicleRoutes(svc: VehicleService) {
  return crudRouter({
    what: 'vehicle',
    map: mapVehicle,
    query: VehicleListQuery,
    create: VehicleInput,
    update: VehicleUpdate,
    list: (p, q) => svc.list(p, q),
    get: (p, id) => svc.get(p, id),
    add: (_a, input) => svc.create(input),
    change: (_a, id, patch) => svc.update(id, patch),
    remove: (id) => svc.remove(id),
  });
}
