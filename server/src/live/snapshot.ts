import type { DeviceStatusEvent, TicketView } from '@haulproof/contracts';
import type { PrismaClient } from '../generated/prisma/client.js';
import { canSee, type Principal } from '../services/principal.js';
import { deviceStatusEvent, type DevicePresence } from './device-presence.js';

/** What a socket receives once, on connect, before any delta. */
export interface LiveSnapshot {
  tickets: TicketView[];
  devices: DeviceStatusEvent[];
}

export interface SnapshotSource {
  snapshot(p: Principal, ticketLimit: number): Promise<LiveSnapshot>;
}

/** The newest tickets a person may see, newest first (TicketService.list behind it). */
export interface TicketFeed {
  latest(p: Principal, limit: number): Promise<TicketView[]>;
}

/** Station devices and their status, as the live feed shows them. */
export class DeviceStatusReader {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly presence: Pick<DevicePresence, 'of'>,
  ) {}

  async inScope(p: Principal): Promise<DeviceStatusEvent[]> {
    // A city has tens of devices, not thousands: filtering with the one scope rule beats a second copy of it in SQL.
    const rows = await this.prisma.stationDevice.findMany({
      select: { id: true, code: true, siteId: true, status: true, lastSeenAt: true, site: { select: { districtId: true } } },
      orderBy: { code: 'asc' },
    });
    return rows
      .filter((d) => canSee(p, { siteId: d.siteId, districtId: d.site.districtId }))
      .map((d) => deviceStatusEvent(d, this.presence));
  }
}

export function snapshotSource(tickets: TicketFeed, devices: DeviceStatusReader): SnapshotSource {
  return {
    async snapshot(p, ticketLimit) {
      const [t, d] = await Promise.all([tickets.latest(p, ticketLimit), devices.inScope(p)]);
      return { tickets: t, devices: d };
    },
  };
}
