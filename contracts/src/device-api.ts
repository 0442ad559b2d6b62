import { z } from 'zod';
import { Direction, IndicatorProtocol, StreamCode, VehicleStatus, CardStatus, DeviceStatus } from './streams.js';

// What a station device and the server say to each other besides signed records.

/** Enrolment: an admin creates the device (PENDING) and gets a one-time token; the agent sends its new public key with it. */
export const EnrolInput = z
  .object({
    code: z.string().regex(/^[A-Z0-9_-]{2,48}$/),
    token: z.string().min(16).max(128),
    publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'a raw ed25519 public key, base64'),
    softwareVersion: z.string().min(1).max(64),
  })
  .strict();
export type EnrolInput = z.infer<typeof EnrolInput>;

export const EnrolResult = z.object({ deviceId: z.string(), code: z.string(), siteCode: z.string(), status: DeviceStatus });
export type EnrolResult = z.infer<typeof EnrolResult>;

/** POST /api/v1/devices/:id/enrolment (admin): the token is shown once; the server keeps only its sha256. */
export interface EnrolmentToken {
  deviceId: string;
  code: string;
  token: string;
  expiresAt: string;
}

const Lane = z.object({
  code: z.string(),
  name: z.string(),
  maxKg: z.int(),
  divisionKg: z.int(),
  minLoadKg: z.int(),
  protocol: IndicatorProtocol,
  portPath: z.string().nullable(),
  baudRate: z.int(),
  dataBits: z.int(),
  parity: z.enum(['none', 'even', 'odd']),
  stopBits: z.int(),
});

/**
 * Everything a station needs to weigh offline, fetched from GET /api/v1/device/registry
 * (device-authenticated) and cached in the agent's journal database.
 */
export const DeviceRegistrySnapshot = z.object({
  generatedAt: z.string(),
  device: z.object({ code: z.string(), status: DeviceStatus }),
  site: z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), kind: z.string(), timezone: z.string(), acceptedStreams: z.array(StreamCode) }),
  lanes: z.array(Lane),
  vehicles: z.array(
    z.object({
      plate: z.string(), // normalised
      plateRaw: z.string(),
      carrierCode: z.string(),
      status: VehicleStatus,
      streams: z.array(StreamCode),
      storedTareKg: z.int().nullable(),
      tareExpiresAt: z.string().nullable(),
      maxGrossKg: z.int(),
    }),
  ),
  cards: z.array(z.object({ uid: z.string(), plate: z.string(), status: CardStatus, driverName: z.string().nullable() })),
  // permits naming this site as origin or disposal, valid today or later
  permits: z.array(
    z.object({ permitNo: z.string(), originSiteCode: z.string(), disposalSiteCode: z.string(), stream: StreamCode, validFrom: z.string(), validTo: z.string(), plates: z.array(z.string()) }),
  ),
  // collection routes that deliver to this site (to tag inbound tickets with their route)
  routes: z.array(z.object({ code: z.string(), stream: StreamCode, plates: z.array(z.string()), scheduleDays: z.array(z.int()) })),
  // other sites (destinations of outbound hauls, origins of construction loads)
  sites: z.array(z.object({ code: z.string(), nameZh: z.string(), kind: z.string(), acceptedStreams: z.array(StreamCode) })),
});
export type DeviceRegistrySnapshot = z.infer<typeof DeviceRegistrySnapshot>;

/** Lane states shown to operators. */
export const LaneStateName = z.enum(['IDLE', 'VEHICLE_ON', 'IDENTIFIED', 'SETTLING', 'CAPTURED', 'REFUSED', 'WAIT_EMPTY', 'FAULT']);
export type LaneStateName = z.infer<typeof LaneStateName>;

/** Device → server over socket.io namespace /devices (live only; nothing here is evidence). */
export interface DeviceToServerEvents {
  'lane.sample': (s: { lane: string; at: string; kg: number | null; stable: boolean | null; overload: boolean; underload: boolean }[]) => void;
  'lane.state': (s: { lane: string; state: LaneStateName; plate: string | null; message: string | null; at: string }) => void;
  heartbeat: (h: {
    at: string;
    softwareVersion: string;
    queueDepth: number; // records journaled but not yet acknowledged
    lastSeq: number;
    lastFrameAt: Record<string, string | null>; // per lane
    readers: Record<string, 'ready' | 'absent' | 'error'>;
    alarms: string[];
  }, ack: (r: { serverTime: string }) => void) => void;
}

/** The live lane feed the server relays to operator screens (site rooms). */
export interface LaneFeedEvents {
  'lane.sample': (s: { deviceCode: string; siteId: string; lane: string; at: string; kg: number | null; stable: boolean | null; overload: boolean; underload: boolean }) => void;
  'lane.state': (s: { deviceCode: string; siteId: string; lane: string; state: LaneStateName; plate: string | null; message: string | null; at: string }) => void;
  'device.heartbeat': (h: { deviceCode: string; siteId: string; at: string; queueDepth: number; lastSeq: number; clockOffsetMs: number; readers: Record<string, string>; alarms: string[] }) => void;
}

export { Direction };
