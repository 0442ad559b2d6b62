import { SiteInput, SiteListQuery, SiteUpdate } from '@haulproof/contracts';
import type { SiteService } from '../../../services/registry/site.service.js';
import { mapSite } from '../../mappers/registry.js';
import { crudRouter } from './crud.js';

export function siteRoutes(svc: SiteService) {
  return crudRouter({
    what: 'site',
    map: mapSite,
    query: SiteListQuery,
    create: SiteInput,
    update: SiteUpdate,
    list: (_p, q) => svc.list(q),
    get: (_p, id) => svc.get(id),
    add: (_a, input) => svc.create(input),
    change: (_a, id, patch) => svc.update(id, patch),
    remove: (id) => svc.remove(id),
  });
}
