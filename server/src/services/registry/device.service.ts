import { DeviceInput, type DeviceListQuery, type DeviceUpdate, type Page } from '@haulproof/contracts';
import { conflict, unprocessable } from '../../http/errors.js';
import { deviceStatusEvent, type DevicePresence } from '../../live/device-presence.js';
import type { LivePublisher } from '../../live/publisher.js';
import type { DeviceData, DeviceRepository, DeviceRow } from '../../repositories/registry/device.repository.js';
import type { ScaleRepository } from '../../repositories/registry/scale.repository.js';
import { deviceScope, type Principal } from '../principal.js';
import { allowed, distinct, found, patched, visible } from './common.js';

/**
 * Station devices (the PC running the agent) and the lanes each one reads. A status change is
 * announced live (device.status) so operators and inspectors see a suspended station at once.
 */
export class DeviceService {
  constructor(
    private readonly devices: DeviceRepository,
    private readonly scales: ScaleRepository,
    private readonly live: Pick<LivePublisher, 'publish'>,
    private readonly presence: Pick<DevicePresence, 'of'>,
  ) {}

  list(p: Principal, q: DeviceListQuery): Promise<Page<DeviceRow>> {
    return this.devices.list(allowed(deviceScope(p), 'station devices'), q, q);
  }

  async get(p: Principal, id: string): Promise<DeviceRow> {
    return visible(await this.devices.find(id, allowed(deviceScope(p), 'station devices')), () => this.devices.exists(id), 'device', id);
  }

  async create(input: DeviceInput): Promise<DeviceRow> {
    const data = toData(input);
    await this.checkLanes(data);
    return this.devices.create(data);
  }

  async update(id: string, patch: DeviceUpdate): Promise<DeviceRow> {
    const cur = found(await this.devices.find(id), 'device', id);
    const current: DeviceInput = { code: cur.code, siteId: cur.siteId, scaleIds: cur.lanes.map((l) => l.scaleId), publicKey: cur.publicKey, status: cur.status };
    const data = toData(patched(DeviceInput, current, patch, 'device'));
    // Stored signatures must stay verifiable against the key and identity that made them.
    if ((data.publicKey !== cur.publicKey || data.code !== cur.code || data.siteId !== cur.siteId) && (await this.devices.hasRecords(id))) {
      throw conflict(`device ${cur.code} has signed records in the ledger; its key, code and site are fixed. Retire it and enrol a new device instead`);
    }
    await this.checkLanes(data);
    const next = await this.devices.update(id, data);
    if (next.status !== cur.status) {
      this.live.publish('device.status', deviceStatusEvent(next, this.presence), { siteId: next.siteId, districtId: next.site.districtId });
    }
    return next;
  }

  remove(id: string): Promise<void> {
    return this.devices.remove(id);
  }

  // A device reads the scales of its own site only; a lane elsewhere would sign tickets for a site it is not at.
  private async checkLanes(d: DeviceData): Promise<void> {
    const scales = new Map((await this.scales.findMany(d.scaleIds)).map((s) => [s.id, s]));
    const errors = d.scaleIds.flatMap((id, i) => {
      const s = scales.get(id);
      return !s ? [{ path: `scaleIds.${i}`, message: 'no such scale' }] : s.siteId !== d.siteId ? [{ path: `scaleIds.${i}`, message: "not a scale at the device's site" }] : [];
    });
    if (errors.length) throw unprocessable("a device's lanes must be scales at its own site", errors);
  }
}

const toData = (d: DeviceInput): DeviceData => ({ ...d, publicKey: d.publicKey ?? null, scaleIds: distinct(d.scaleIds) });
