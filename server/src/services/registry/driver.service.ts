import { DriverInput, type DriverListQuery, type DriverUpdate, type Page } from '@haulproof/contracts';
import type { DriverRepository, DriverRow } from '../../repositories/registry/driver.repository.js';
import { fleetScope, type Principal } from '../principal.js';
import { allowed, found, patched, visible } from './common.js';

/** Drivers belong to a carrier; reads follow fleetScope, admins change them. */
export class DriverService {
  constructor(private readonly drivers: DriverRepository) {}

  list(p: Principal, q: DriverListQuery): Promise<Page<DriverRow>> {
    return this.drivers.list(allowed(fleetScope(p), 'drivers'), q, q);
  }

  async get(p: Principal, id: string): Promise<DriverRow> {
    return visible(await this.drivers.find(id, allowed(fleetScope(p), 'drivers')), () => this.drivers.exists(id), 'driver', id);
  }

  create(input: DriverInput): Promise<DriverRow> {
    return this.drivers.create({ ...input, phone: input.phone ?? null });
  }

  async update(id: string, patch: DriverUpdate): Promise<DriverRow> {
    const { id: _id, ...cur } = found(await this.drivers.find(id), 'driver', id);
    const next = patched(DriverInput, cur, patch, 'driver');
    return this.drivers.update(id, { ...next, phone: next.phone ?? null });
  }

  remove(id: string): Promise<void> {
    return this.drivers.remove(id);
  }
}
