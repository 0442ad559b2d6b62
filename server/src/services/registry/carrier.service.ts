import { CarrierInput, type CarrierListQuery, type CarrierUpdate, type Page } from '@haulproof/contracts';
import type { CarrierRepository, CarrierRow } from '../../repositories/registry/carrier.repository.js';
import { fleetScope, type Principal } from '../principal.js';
import { allowed, found, patched, visible } from './common.js';

/** Transport companies. Reads follow fleetScope (dispatchers see their own); admins change them. */
export class CarrierService {
  constructor(private readonly carriers: CarrierRepository) {}

  list(p: Principal, q: CarrierListQuery): Promise<Page<CarrierRow>> {
    return this.carriers.list(allowed(fleetScope(p), 'carriers'), q, q);
  }

  async get(p: Principal, id: string): Promise<CarrierRow> {
    return visible(await this.carriers.find(id, allowed(fleetScope(p), 'carriers')), () => this.carriers.exists(id), 'carrier', id);
  }

  create(input: CarrierInput): Promise<CarrierRow> {
    return this.carriers.create(toData(input));
  }

  async update(id: string, patch: CarrierUpdate): Promise<CarrierRow> {
    const { id: _id, ...cur } = found(await this.carriers.find(id), 'carrier', id);
    return this.carriers.update(id, toData(patched(CarrierInput, cur, patch, 'carrier')));
  }

  remove(id: string): Promise<void> {
    return this.carriers.remove(id);
  }
}

const toData = (c: CarrierInput) => ({ ...c, licenceNo: c.licenceNo ?? null, districtId: c.districtId ?? null, phone: c.phone ?? null });
