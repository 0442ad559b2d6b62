import { SiteInput, type Page, type SiteListQuery, type SiteUpdate } from '@haulproof/contracts';
import type { SiteRepository, SiteRow } from '../../repositories/registry/site.repository.js';
import { distinct, found, num, patched } from './common.js';

/** Sites and the streams each accepts: anyone logged in reads them; admins change them. */
export class SiteService {
  constructor(private readonly sites: SiteRepository) {}

  list(q: SiteListQuery): Promise<Page<SiteRow>> {
    return this.sites.list(q, q);
  }

  async get(id: string): Promise<SiteRow> {
    return found(await this.sites.find(id), 'site', id);
  }

  create(input: SiteInput): Promise<SiteRow> {
    return this.sites.create(toData(input));
  }

  async update(id: string, patch: SiteUpdate): Promise<SiteRow> {
    const cur = await this.get(id);
    const next = patched(SiteInput, asInput(cur), patch, 'site');
    return this.sites.update(id, toData(next));
  }

  remove(id: string): Promise<void> {
    return this.sites.remove(id);
  }
}

function toData(s: SiteInput) {
  return { ...s, latitude: s.latitude ?? null, longitude: s.longitude ?? null, acceptedStreams: distinct(s.acceptedStreams) };
}

function asInput(s: SiteRow): SiteInput {
  return {
    code: s.code,
    nameZh: s.nameZh,
    nameEn: s.nameEn,
    kind: s.kind,
    districtId: s.districtId,
    capacityTpd: s.capacityTpd,
    timezone: s.timezone,
    latitude: num(s.latitude),
    longitude: num(s.longitude),
    acceptedStreams: s.streams.map((x) => x.streamCode) as SiteInput['acceptedStreams'],
    active: s.active,
  };
}
