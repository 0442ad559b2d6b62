import { DistrictInput, type DistrictUpdate, type Page, type PageQuery } from '@haulproof/contracts';
import type { DistrictRepository, DistrictRow } from '../../repositories/registry/district.repository.js';
import { found, patched } from './common.js';

/** Districts: anyone logged in reads them (dashboards rank by district); admins change them. */
export class DistrictService {
  constructor(private readonly districts: DistrictRepository) {}

  list(q: PageQuery): Promise<Page<DistrictRow>> {
    return this.districts.list(q);
  }

  async get(id: string): Promise<DistrictRow> {
    return found(await this.districts.find(id), 'district', id);
  }

  create(input: DistrictInput): Promise<DistrictRow> {
    return this.districts.create(input);
  }

  async update(id: string, patch: DistrictUpdate): Promise<DistrictRow> {
    const cur = await this.get(id);
    const next = patched(DistrictInput, { code: cur.code, nameZh: cur.nameZh, nameEn: cur.nameEn, population: cur.population }, patch, 'district');
    return this.districts.update(id, next);
  }

  remove(id: string): Promise<void> {
    return this.districts.remove(id);
  }
}
