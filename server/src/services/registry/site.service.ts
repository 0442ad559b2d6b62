import { SiteInput, type Page, type SiteListQuery, type SiteUpdate } from '@haulproof/contracts';
import type { SiteRepository, SiteRow } from '../../repositories/registry/site.repository.js';
import { distinct, found, num, patched } from './common.js';
import type { RegistryChangeSink } from './registry-changes.js';

/** Sites and the streams each accepts: anyone logged in reads them; admins change them. */
export class SiteService {
  constructor(
    private readonly sites: SiteRepository,
    private readonly changes: RegistryChangeSink,
  ) {}

  list(q: SiteListQuery): Promise<Page<SiteRow>> {
    return this.sites.list(q, q);
  }

  async get(id: string): Promise<SiteRow> {
    return found(await this.sites.find(id), 'site', id);
  }

  async create(input: SiteInput): Promise<SiteRow> {
    const row = await this.sites.create(toData(input));
    this.changes.announce({ entity: 'site', before: null, after: row });
    return row;
  }

  async update(id: string, patch: SiteUpdate): Promise<SiteRow> {
    const cur = await this.get(id);
    const next = patched(SiteInput, asInput(cur), patch, 'site');
    const row = await this.sites.update(id, toData(next));
    this.changes.announce({ entity: 'site', before: cur, after: row });
    return row;
  }

  async remove(id: string): Promise<void> {
    const cur = await this.sites.find(id);
    await this.sites.remove(id);
    if (cur) this.changes.announce({ entity: 'site', before: cur, after: null });
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
