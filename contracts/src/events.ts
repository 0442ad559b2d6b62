import type { TicketView } from './api.js';
import type { AnomalyView, ReconciliationUpdate } from './reconciliation.js';
import type { LaneFeedEvents } from './device-api.js';
import type { StationEventView } from './station-events.js';
import type { DeviceStatus } from './streams.js';

export interface DeviceStatusEvent {
  deviceId: string;
  deviceCode: string;
  siteId: string;
  status: DeviceStatus;
  lastSeenAt: string | null;
  online: boolean; // the device's live uplink (socket.io /devices) is connected to this server
  queueDepth: number | null; // records journaled but not yet acknowledged, from its last heartbeat
  lastHeartbeatAt: string | null;
}

/**
 * socket.io server → client events. A client receives `snapshot` once on connect, then deltas.
 * The lane feed (LaneFeedEvents: live weights, lane states, heartbeats) is relayed as it comes.
 */
export interface ServerToClientEvents extends LaneFeedEvents {
  snapshot: (s: { tickets: TicketView[]; devices: DeviceStatusEvent[]; at: string }) => void;
  'ticket.accepted': (t: TicketView) => void;
  'ticket.voided': (t: TicketView) => void;
  'ticket.corrected': (t: TicketView) => void;
  'device.status': (d: DeviceStatusEvent) => void;
  'anomaly.raised': (a: AnomalyView) => void;
  'anomaly.updated': (a: AnomalyView) => void;
  /** A finding moved to a site, district or carrier outside the receiver's scope (a registry change, a site's zone): drop it from view. */
  'anomaly.left': (a: { id: string; at: string }) => void;
  'reconciliation.updated': (r: ReconciliationUpdate) => void;
  'station.event': (e: StationEventView) => void;
}

export type ClientToServerEvents = Record<string, never>;
