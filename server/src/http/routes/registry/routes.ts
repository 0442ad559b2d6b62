import { RouteInput, RouteListQuery, RouteUpdate } from '@haulproof/contracts';
import type { RouteService } from '../../../services/registry/route.service.js';
import { mapRoute } from '../../mappers/registry.js';
import { crudRouter } from './crud.js';

/** Collection routes (collection_route + route_vehicle + route_point). */
export function collectionRouteRoutes(svc: RouteService) {
  return crudRouter({
    what: 'route',
    map: mapRoute,
    query: RouteListQuery,
    create: RouteInput,
    update: RouteUpdate,
    list: (p, q) => svc.list(p, q),
    get: (p, id) => svc.get(p, id),
    add: (_a, input) => svc.create(input),
    change: (_a, id, patch) => svc.update(id, patch),
    remove: (id) => svc.remove(id),
  });
}
