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

const DeviceTime = z.iso.datetime({ offset: true });
/** A lane (scale) code as the uplink carries it. */
export const UplinkLaneCode = z.string().regex(/^[A-Za-z0-9_-]{1,48}$/);

/** A heartbeat lists at most this many first-weighed times per lane, oldest first. */
export const HEARTBEAT_OPEN_PER_LANE = 200;
const HEARTBEAT_MAX_LANES = 64;

/**
 * The station journal's open first passes (vehicles weighed once, not yet a second time), as a
 * heartbeat reports them: how many, the oldest one's first-weighed time, and per lane of the
 * first pass the first-weighed times, oldest first (device clock). A vehicle holds at most one,
 * so the lists stay short; the cap only bounds a broken station's message.
 */
export const HeartbeatOpenTickets = z
  .object({
    count: z.int().min(0).max(1_000_000),
    oldestAt: DeviceTime.nullable(),
    lanes: z.record(UplinkLaneCode, z.array(DeviceTime).min(1).max(HEARTBEAT_OPEN_PER_LANE)),
  })
  .strict()
  .superRefine((o, ctx) => {
    const lanes = Object.values(o.lanes);
    const listed = lanes.reduce((n, l) => n + l.length, 0);
    if (lanes.length > HEARTBEAT_MAX_LANES) ctx.addIssue({ code: 'custom', path: ['lanes'], message: `at most ${HEARTBEAT_MAX_LANES} lanes` });
    if (listed > o.count) ctx.addIssue({ code: 'custom', path: ['count'], message: `count ${o.count} is less than the ${listed} first passes listed by lane` });
    if ((o.count === 0) !== (o.oldestAt === null)) ctx.addIssue({ code: 'custom', path: ['oldestAt'], message: 'oldestAt is null exactly when count is 0' });
  });
export type HeartbeatOpenTickets = z.infer<typeof HeartbeatOpenTickets>;

/** What a station's heartbeat says (every 10 s); the server checks it with this schema and refuses what fails it. */
export const Heartbeat = z.object({
  at: DeviceTime,
  softwareVersion: z.string().min(1).max(64),
  queueDepth: z.int().min(0), // records journaled but not yet acknowledged
  lastSeq: z.int().min(0),
  lastFrameAt: z.record(UplinkLaneCode, DeviceTime.nullable()), // per lane
  readers: z.record(z.string().max(128), z.enum(['ready', 'absent', 'error'])),
  alarms: z.array(z.string().max(200)).max(50),
  /** Absent from agents older than the field: the server then keeps no open-ticket figures for the device. */
  openTickets: HeartbeatOpenTickets.optional(),
});
export type Heartbeat = z.infer<typeof Heartbeat>;

/** The server's answer to every heartbeat: its clock (for the station's offset) and, for a heartbeat it could not accept, why. */
export interface HeartbeatAck {
  serverTime: string;
  refused?: string;
}

/** Device → server over socket.io namespace /devices (live only; nothing here is evidence). */
export interface DeviceToServerEvents {
  'lane.sample': (s: { lane: string; at: string; kg: number | null; stable: boolean | null; overload: boolean; underload: boolean }[]) => void;
  'lane.state': (s: { lane: string; state: LaneStateName; plate: string | null; message: string | null; at: string }) => void;
  heartbeat: (h: Heartbeat, ack: (r: HeartbeatAck) => void) => void;
}

/** The live lane feed the server relays to operator screens (site rooms). */
export interface LaneFeedEvents {
  'lane.sample': (s: { deviceCode: string; siteId: string; lane: string; at: string; kg: number | null; stable: boolean | null; overload: boolean; underload: boolean }) => void;
  'lane.state': (s: { deviceCode: string; siteId: string; lane: string; state: LaneStateName; plate: string | null; message: string | null; at: string }) => void;
  'device.heartbeat': (h: {
    deviceCode: string;
    siteId: string;
    at: string;
    queueDepth: number;
    lastSeq: number;
    clockOffsetMs: number;
    readers: Record<string, string>;
    alarms: string[];
    /** The station's open first passes; null from an agent that does not report them. */
    openTickets: { count: number; oldestAt: string | null } | null;
  }) => void;
}

export { Direction };
