import { normalisePlate, VehicleInput, type Page, type VehicleListQuery, type VehicleUpdate } from '@haulproof/contracts';
import { conflict } from '../../http/errors.js';
import type { VehicleData, VehicleRepository, VehicleRow } from '../../repositories/registry/vehicle.repository.js';
import { fleetScope, type Principal } from '../principal.js';
import { allowed, distinct, found, patched, visible } from './common.js';
import type { RegistryChangeSink } from './registry-changes.js';

/**
 * Vehicles. A plate is compared in its normal form (苏E·12345 = 苏E12345 = 苏Ｅ１２３４５),
 * so one truck cannot be registered twice under two spellings; the spelling as registered is kept.
 */
export class VehicleService {
  constructor(
    private readonly vehicles: VehicleRepository,
    private readonly changes: RegistryChangeSink,
  ) {}

  list(p: Principal, q: VehicleListQuery): Promise<Page<VehicleRow>> {
    return this.vehicles.list(allowed(fleetScope(p), 'vehicles'), q, { carrierId: q.carrierId, plate: q.plate ? normalisePlate(q.plate) : undefined });
  }

  async get(p: Principal, id: string): Promise<VehicleRow> {
    return visible(await this.vehicles.find(id, allowed(fleetScope(p), 'vehicles')), () => this.vehicles.exists(id), 'vehicle', id);
  }

  async create(input: VehicleInput): Promise<VehicleRow> {
    const data = toData(input);
    await this.refuseDuplicatePlate(data.plate, input.plate, null);
    const row = await this.vehicles.create(data);
    this.changes.announce({ entity: 'vehicle', before: null, after: row });
    return row;
  }

  async update(id: string, patch: VehicleUpdate): Promise<VehicleRow> {
    const cur = found(await this.vehicles.find(id), 'vehicle', id);
    const next = toData(patched(VehicleInput, asInput(cur), patch, 'vehicle'));
    if (next.plate !== cur.plate) await this.refuseDuplicatePlate(next.plate, patch.plate ?? next.plateRaw, id);
    const row = await this.vehicles.update(id, next);
    this.changes.announce({ entity: 'vehicle', before: cur, after: row });
    return row;
  }

  async remove(id: string): Promise<void> {
    const cur = await this.vehicles.find(id);
    await this.vehicles.remove(id);
    if (cur) this.changes.announce({ entity: 'vehicle', before: cur, after: null });
  }

  private async refuseDuplicatePlate(plate: string, asTyped: string, self: string | null): Promise<void> {
    const clash = await this.vehicles.findByPlate(plate);
    if (clash && clash.id !== self) {
      throw conflict(`plate ${asTyped} is already registered (as ${clash.plateRaw}); plates are compared without separators and full-width characters`, { vehicleId: clash.id });
    }
  }
}

function toData(v: VehicleInput): VehicleData {
  return {
    plate: normalisePlate(v.plate),
    plateRaw: v.plate.trim(),
    carrierId: v.carrierId,
    kind: v.kind ?? null,
    storedTareKg: v.storedTareKg ?? null,
    tareMeasuredAt: v.tareMeasuredAt ? new Date(v.tareMeasuredAt) : null,
    tareExpiresAt: v.tareExpiresAt ? new Date(v.tareExpiresAt) : null,
    maxGrossKg: v.maxGrossKg,
    status: v.status,
    streams: distinct(v.streams),
  };
}

function asInput(v: VehicleRow): VehicleInput {
  return {
    plate: v.plateRaw,
    carrierId: v.carrierId,
    kind: v.kind,
    streams: v.streams.map((s) => s.streamCode) as VehicleInput['streams'],
    storedTareKg: v.storedTareKg,
    tareMeasuredAt: v.tareMeasuredAt?.toISOString() ?? null,
    tareExpiresAt: v.tareExpiresAt?.toISOString() ?? null,
    maxGrossKg: v.maxGrossKg,
    status: v.status,
  };
}
