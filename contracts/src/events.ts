import type { TicketView } from './api.js';
import type { DeviceStatus } from './streams.js';

export interface DeviceStatusEvent {
  deviceId: string;
  deviceCode: string;
  siteId: string;
  status: DeviceStatus;
  lastSeenAt: string | null;
}

/** socket.io server → client events. A client receives `snapshot` once on connect, then deltas. */
export interface ServerToClientEvents {
  snapshot: (s: { tickets: TicketView[]; devices: DeviceStatusEvent[]; at: string }) => void;
  'ticket.accepted': (t: TicketView) => void;
  'ticket.voided': (t: TicketView) => void;
  'ticket.corrected': (t: TicketView) => void;
  'device.status': (d: DeviceStatusEvent) => void;
}

export type ClientToServerEvents = Record<string, never>;
