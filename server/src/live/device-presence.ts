import type { DeviceStatus, DeviceStatusEvent } from '@haulproof/contracts';

export interface Presence {
  online: boolean;
  queueDepth: number | null;
  lastHeartbeatAt: string | null;
}

const OFFLINE: Presence = { online: false, queueDepth: null, lastHeartbeatAt: null };

/**
 * Which station devices have a live uplink (socket.io /devices) to this server, and what their
 * last heartbeat said. In memory: presence belongs to this process's sockets, and a restart
 * rightly starts with every device offline until it reconnects. After a disconnect the last
 * heartbeat's figures stay: "offline, 37 records queued" is what an operator needs to know.
 */
export class DevicePresence {
  private readonly devices = new Map<string, { sockets: Set<string>; queueDepth: number | null; lastHeartbeatAt: string | null }>();

  /** Returns true when this socket brings the device online. */
  connected(deviceId: string, socketId: string): boolean {
    const d = this.devices.get(deviceId) ?? { sockets: new Set<string>(), queueDepth: null, lastHeartbeatAt: null };
    this.devices.set(deviceId, d);
    const wasOnline = d.sockets.size > 0;
    d.sockets.add(socketId);
    return !wasOnline;
  }

  /** Returns true when this was the device's last socket: it is now offline. */
  disconnected(deviceId: string, socketId: string): boolean {
    const d = this.devices.get(deviceId);
    if (!d || !d.sockets.delete(socketId)) return false;
    return d.sockets.size === 0;
  }

  heartbeat(deviceId: string, queueDepth: number, at: Date): void {
    const d = this.devices.get(deviceId);
    if (!d) return;
    d.queueDepth = queueDepth;
    d.lastHeartbeatAt = at.toISOString();
  }

  of(deviceId: string): Presence {
    const d = this.devices.get(deviceId);
    return d ? { online: d.sockets.size > 0, queueDepth: d.queueDepth, lastHeartbeatAt: d.lastHeartbeatAt } : OFFLINE;
  }
}

/** The one way to build a device.status event: the registry row plus this server's view of the uplink. */
export function deviceStatusEvent(
  d: { id: string; code: string; siteId: string; status: DeviceStatus; lastSeenAt: Date | null },
  presence: Pick<DevicePresence, 'of'>,
): DeviceStatusEvent {
  return { deviceId: d.id, deviceCode: d.code, siteId: d.siteId, status: d.status, lastSeenAt: d.lastSeenAt?.toISOString() ?? null, ...presence.of(d.id) };
}
