import { DistrictInput, type DistrictUpdate, type Page, type PageQuery } from '@haulproof/contracts';
import type { DistrictRepository, DistrictRow } from '../../repositories/registry/district.repository.js';
import { found, patched } from './common.js';
import type { RegistryChangeSink } from './registry-changes.js';

/** Districts: anyone logged in reads them (dashboards rank by district); admins change them. */
export class DistrictService {
  constructor(
    private readonly districts: DistrictRepository,
    private readonly changes: RegistryChangeSink,
  ) {}

  list(q: PageQuery): Promise<Page<DistrictRow>> {
    return this.districts.list(q);
  }

  async get(id: string): Promise<DistrictRow> {
    return found(await this.districts.find(id), 'district', id);
  }

  async create(input: DistrictInput): Promise<DistrictRow> {
    const row = await this.districts.create(input);
    this.changes.announce({ entity: 'district', before: null, after: row });
    return row;
  }

  async update(id: string, patch: DistrictUpdate): Promise<DistrictRow> {
    const cur = await this.get(id);
    const next = patched(DistrictInput, { code: cur.code, nameZh: cur.nameZh, nameEn: cur.nameEn, population: cur.population }, patch, 'district');
    const row = await this.districts.update(id, next);
    this.changes.announce({ entity: 'district', before: cur, after: row });
    return row;
  }

  async remove(id: string): Promise<void> {
    const cur = await this.districts.find(id);
    await this.districts.remove(id);
    if (cur) this.changes.announce({ entity: 'district', before: cur, after: null });
  }
}
