import { CarrierInput, type CarrierListQuery, type CarrierUpdate, type Page } from '@haulproof/contracts';
import type { CarrierRepository, CarrierRow } from '../../repositories/registry/carrier.repository.js';
import { fleetScope, type Principal } from '../principal.js';
import { allowed, found, patched, visible } from './common.js';
import type { RegistryChangeSink } from './registry-changes.js';

/** Transport companies. Reads follow fleetScope (dispatchers see their own); admins change them. */
export class CarrierService {
  constructor(
    private readonly carriers: CarrierRepository,
    private readonly changes: RegistryChangeSink,
  ) {}

  list(p: Principal, q: CarrierListQuery): Promise<Page<CarrierRow>> {
    return this.carriers.list(allowed(fleetScope(p), 'carriers'), q, q);
  }

  async get(p: Principal, id: string): Promise<CarrierRow> {
    return visible(await this.carriers.find(id, allowed(fleetScope(p), 'carriers')), () => this.carriers.exists(id), 'carrier', id);
  }

  async create(input: CarrierInput): Promise<CarrierRow> {
    const row = await this.carriers.create(toData(input));
    this.changes.announce({ entity: 'carrier', before: null, after: row });
    return row;
  }

  async update(id: string, patch: CarrierUpdate): Promise<CarrierRow> {
    const before = found(await this.carriers.find(id), 'carrier', id);
    const { id: _id, ...cur } = before;
    const row = await this.carriers.update(id, toData(patched(CarrierInput, cur, patch, 'carrier')));
    this.changes.announce({ entity: 'carrier', before, after: row });
    return row;
  }

  async remove(id: string): Promise<void> {
    const cur = await this.carriers.find(id);
    await this.carriers.remove(id);
    if (cur) this.changes.announce({ entity: 'carrier', before: cur, after: null });
  }
}

const toData = (c: CarrierInput) => ({ ...c, licenceNo: c.licenceNo ?? null, districtId: c.districtId ?? null, phone: c.phone ?? null });
