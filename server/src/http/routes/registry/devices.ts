import { DeviceInput, DeviceListQuery, DeviceUpdate } from '@haulproof/contracts';
import type { DeviceService } from '../../../services/registry/device.service.js';
import { mapDevice } from '../../mappers/registry.js';
import { crudRouter } from './crud.js';

/** Station devices (station_device + device_lane). A status change in a PATCH is announced live. */
export function deviceRoutes(svc: DeviceService) {
  return crudRouter({
    what: 'device',
    map: mapDevice,
    query: DeviceListQuery,
    create: DeviceInput,
    update: DeviceUpdate,
    list: (p, q) => svc.list(p, q),
    get: (p, id) => svc.get(p, id),
    add: (_a, input) => svc.create(input),
    change: (_a, id, patch) => svc.update(id, patch),
    remove: (id) => svc.remove(id),
  });
}
