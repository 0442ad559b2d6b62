import { PermitInput, type Page, type PermitListQuery, type PermitUpdate } from '@haulproof/contracts';
import { unprocessable } from '../../http/errors.js';
import type { PermitData, PermitRepository, PermitRow } from '../../repositories/registry/permit.repository.js';
import type { SiteRepository } from '../../repositories/registry/site.repository.js';
import type { VehicleRepository } from '../../repositories/registry/vehicle.repository.js';
import { permitScope, type Principal } from '../principal.js';
import { allowed, dateOnly, distinct, found, fromDateOnly, patched, visible } from './common.js';
import type { RegistryChangeSink } from './registry-changes.js';

/**
 * Disposal permits (处置证): origin, carrier, trucks, disposal site, dates, approved volume.
 * A permit only means something if the named trucks are the carrier's and the disposal site
 * takes the stream, so both are checked here.
 */
export class PermitService {
  constructor(
    private readonly permits: PermitRepository,
    private readonly sites: SiteRepository,
    private readonly vehicles: VehicleRepository,
    private readonly changes: RegistryChangeSink,
  ) {}

  list(p: Principal, q: PermitListQuery): Promise<Page<PermitRow>> {
    return this.permits.list(allowed(permitScope(p), 'permits'), q, q);
  }

  async get(p: Principal, id: string): Promise<PermitRow> {
    return visible(await this.permits.find(id, allowed(permitScope(p), 'permits')), () => this.permits.exists(id), 'permit', id);
  }

  async create(input: PermitInput): Promise<PermitRow> {
    const data = toData(input);
    await this.check(data);
    const row = await this.permits.create(data);
    this.changes.announce({ entity: 'permit', before: null, after: row });
    return row;
  }

  async update(id: string, patch: PermitUpdate): Promise<PermitRow> {
    const cur = found(await this.permits.find(id), 'permit', id);
    const data = toData(patched(PermitInput, asInput(cur), patch, 'permit'));
    await this.check(data);
    const row = await this.permits.update(id, data);
    this.changes.announce({ entity: 'permit', before: cur, after: row });
    return row;
  }

  async remove(id: string): Promise<void> {
    const cur = await this.permits.find(id);
    await this.permits.remove(id);
    if (cur) this.changes.announce({ entity: 'permit', before: cur, after: null });
  }

  private async check(p: PermitData): Promise<void> {
    const disposal = await this.sites.find(p.disposalSiteId);
    if (!disposal) throw unprocessable(`no site ${p.disposalSiteId}`, [{ path: 'disposalSiteId', message: 'no such site' }]);
    if (!disposal.streams.some((s) => s.streamCode === p.streamCode)) {
      throw unprocessable(`disposal site ${disposal.code} does not accept ${p.streamCode}`, [{ path: 'disposalSiteId', message: `does not accept ${p.streamCode}` }]);
    }
    const owners = await this.vehicles.carriersOf(p.vehicleIds);
    const errors = p.vehicleIds.flatMap((v, i) =>
      !owners.has(v) ? [{ path: `vehicleIds.${i}`, message: 'no such vehicle' }] : owners.get(v) !== p.carrierId ? [{ path: `vehicleIds.${i}`, message: "not one of the permit carrier's vehicles" }] : [],
    );
    if (errors.length) throw unprocessable("a permit's trucks must exist and belong to its carrier", errors);
  }
}

function toData(p: PermitInput): PermitData {
  return { ...p, validFrom: fromDateOnly(p.validFrom), validTo: fromDateOnly(p.validTo), approvedKg: p.approvedKg ?? null, vehicleIds: distinct(p.vehicleIds) };
}

function asInput(p: PermitRow): PermitInput {
  return {
    permitNo: p.permitNo,
    originSiteId: p.originSiteId,
    carrierId: p.carrierId,
    disposalSiteId: p.disposalSiteId,
    streamCode: p.streamCode as PermitInput['streamCode'],
    validFrom: dateOnly(p.validFrom),
    validTo: dateOnly(p.validTo),
    approvedVolumeM3: p.approvedVolumeM3,
    approvedKg: p.approvedKg,
    vehicleIds: p.vehicles.map((v) => v.vehicleId),
  };
}
