import type { Namespace, Server as IoServer, Socket } from 'socket.io';
import { z } from 'zod';
import { ABSURD_KG, Heartbeat, LaneStateName, UplinkLaneCode, type DeviceToServerEvents } from '@haulproof/contracts';
import { deviceRequestMessage, verifyBytes } from '@haulproof/contracts/signing';
import type { AppContext } from '../context.js';
import { DeviceStatusRepository } from '../repositories/device-status.repository.js';
import { SecurityEventRepository } from '../repositories/security-event.repository.js';
import { StationDeviceRepository, type StationDeviceRow } from '../repositories/station-device.repository.js';
import { devicePublicKey } from '../services/record-verifier.js';
import { deviceStatusEvent } from './device-presence.js';
import { LaneFeedRelay, Throttle } from './lane-feed.js';

export const UPLINK_NAMESPACE = '/devices';

export interface DeviceUplinkOptions {
  /** Minimum time between two relayed samples of one lane (200 ms = at most 5 per second). */
  sampleIntervalMs?: number;
  /** How often a heartbeat may refresh station_device.last_seen_at. */
  touchEveryMs?: number;
  /** How often a device's heartbeat may be written to station_device_status (a new clock hour always is). */
  statusEveryMs?: number;
}

interface DeviceData {
  device: StationDeviceRow;
  lanes: Set<string>;
}
type DeviceNamespace = Namespace<DeviceToServerEvents, Record<string, never>, Record<string, never>, DeviceData>;
type DeviceSocket = Socket<DeviceToServerEvents, Record<string, never>, Record<string, never>, DeviceData>;

// What a device may send. Live only, nothing here is evidence; still, nothing unchecked reaches a screen.
const DeviceTime = z.iso.datetime({ offset: true });
const Lane = UplinkLaneCode;
const Sample = z.object({ lane: Lane, at: DeviceTime, kg: z.int().min(-ABSURD_KG).max(ABSURD_KG).nullable(), stable: z.boolean().nullable(), overload: z.boolean(), underload: z.boolean() });
const Samples = z.array(Sample).max(500);
const LaneState = z.object({ lane: Lane, state: LaneStateName, plate: z.string().max(16).nullable(), message: z.string().max(500).nullable(), at: DeviceTime });
const Handshake = z.object({
  device: z.string().regex(/^[A-Z0-9_-]{2,48}$/),
  ts: z.iso.datetime({ offset: true }),
  sig: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
});

/** Why a heartbeat was refused, in the ack: the first few issues, each with its path. */
function refusedHeartbeat(err: z.ZodError): string {
  const issues = err.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'heartbeat'}: ${i.message}`);
  return `heartbeat refused: ${issues.join('; ')}${err.issues.length > 3 ? ` (and ${err.issues.length - 3} more)` : ''}`;
}

/** An Error whose message the device sees in `connect_error`; `data.status` tells "fix your key or clock" (401/403) from "retry" (503). */
function refusal(status: number, message: string): Error {
  return Object.assign(new Error(message), { data: { status } });
}

/**
 * The station devices' live uplink: socket.io namespace /devices on the people's io server.
 * A device authenticates the handshake with its ed25519 key: `auth: { device, ts, sig }`, sig over
 * deviceRequestMessage('SOCKET', '/devices', ts, <empty body>). Each handshake signature is good
 * once, so a device signs afresh for every (re)connection (socket.io-client: `auth` as a function).
 * Samples, lane states and heartbeats are relayed to the people who may see the device's site;
 * connecting and disconnecting are announced as device.status. Heartbeats are checked against
 * the contracts schema (a bad one is refused in its ack) and written down, throttled, for report
 * quality: the device's last status and the clock hours it was heard in.
 */
export class DeviceUplink {
  private readonly nsp: DeviceNamespace;
  private readonly feed: LaneFeedRelay;
  private readonly opts: Required<DeviceUplinkOptions>;
  private readonly log: AppContext['log'];
  private readonly usedSignatures = new Map<string, number>(); // sig → when it stops mattering (ms)
  private readonly statusWrittenAt = new Map<string, number>(); // device id → when its status was last written (ms)
  private unsubscribe: (() => void) | null = null;
  private closing = false;

  constructor(
    io: IoServer,
    private readonly deps: Pick<AppContext, 'live' | 'presence' | 'log'> & { devices: StationDeviceRepository; status: DeviceStatusRepository; security: SecurityEventRepository; maxSkewSeconds: number },
    options: DeviceUplinkOptions = {},
  ) {
    this.nsp = io.of(UPLINK_NAMESPACE) as unknown as DeviceNamespace;
    this.feed = new LaneFeedRelay(io.of('/'));
    this.opts = { sampleIntervalMs: 200, touchEveryMs: 60_000, statusEveryMs: 60_000, ...options };
    this.log = deps.log.child({ module: 'device-uplink' });
  }

  start(): this {
    this.nsp.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (err: Error) => next(err),
      );
    });
    this.nsp.on('connection', (socket) => this.onConnection(socket));
    // A device suspended or retired while connected loses its uplink at once.
    this.unsubscribe = this.deps.live.subscribe((m) => {
      if (m.event !== 'device.status') return;
      const d = m.payload as { deviceId: string; status: string };
      if (d.status !== 'ACTIVE') for (const s of this.socketsOf(d.deviceId)) s.disconnect(true);
    });
    return this;
  }

  private async authenticate(socket: DeviceSocket): Promise<void> {
    const remoteAddr = socket.handshake.address || null;
    const fail = async (status: number, message: string, deviceId: string | null) => {
      await this.deps.security
        .record({ kind: 'DEVICE_AUTH_FAILED', deviceId, reason: message, remoteAddr, details: { path: UPLINK_NAMESPACE, transport: 'socket.io' } })
        .catch((err: unknown) => this.log.warn({ err }, 'could not record a refused uplink'));
      return refusal(status, message);
    };
    const hs = Handshake.safeParse(socket.handshake.auth);
    if (!hs.success) throw await fail(401, 'device uplink needs auth: { device, ts, sig } signed with the device key', null);
    const { device: code, ts, sig } = hs.data;
    const unavailable = (err: unknown) => {
      this.log.error({ err }, 'could not look up an uplink device');
      return refusal(503, 'the server could not check the device; try again shortly');
    };
    const device = await this.deps.devices.byCode(code).catch((err: unknown) => {
      throw unavailable(err);
    });
    if (!device || !device.publicKey) throw await fail(401, `unknown or unenrolled device ${code}`, device?.id ?? null);
    if (device.status !== 'ACTIVE') throw await fail(403, `device ${code} is ${device.status}; only ACTIVE devices may connect`, device.id);
    const skewMs = this.deps.maxSkewSeconds * 1000;
    if (!(Math.abs(Date.now() - Date.parse(ts)) <= skewMs)) throw await fail(401, `handshake time ${ts} is more than ${this.deps.maxSkewSeconds} s from server time; check the station clock`, device.id);
    const message = deviceRequestMessage('SOCKET', UPLINK_NAMESPACE, ts, new Uint8Array());
    if (!verifyBytes(devicePublicKey(device.publicKey), message, Buffer.from(sig, 'base64'))) throw await fail(401, `handshake signature does not verify against device ${code}'s key`, device.id);
    if (this.usedSignatures.has(sig)) throw await fail(401, `this handshake signature of device ${code} was already used; sign a fresh one for every connection`, device.id);
    this.rememberSignature(sig, Date.parse(ts) + skewMs);
    socket.data.device = device;
    socket.data.lanes = new Set(
      await this.deps.devices.laneCodes(device.id).catch((err: unknown) => {
        throw unavailable(err);
      }),
    );
  }

  // Outside the skew window a replayed signature fails the time check anyway, so it can be forgotten.
  private rememberSignature(sig: string, until: number): void {
    const now = Date.now();
    for (const [s, t] of this.usedSignatures) if (t < now) this.usedSignatures.delete(s);
    this.usedSignatures.set(sig, until);
  }

  private onConnection(socket: DeviceSocket): void {
    const { device, lanes } = socket.data;
    const scope = { siteId: device.siteId, districtId: device.districtId };
    const cameOnline = this.deps.presence.connected(device.id, socket.id);
    // One uplink per device: a newer connection replaces an older, probably half-open one.
    for (const old of this.socketsOf(device.id)) if (old.id !== socket.id) old.disconnect(true);
    void this.seen(device, cameOnline);

    const samples = new Throttle<z.infer<typeof Sample>>(this.opts.sampleIntervalMs, (s) =>
      this.feed.emit('lane.sample', { deviceCode: device.code, siteId: device.siteId, lane: s.lane, at: s.at, kg: s.kg, stable: s.stable, overload: s.overload, underload: s.underload }, scope),
    );
    let touchedAt = Date.now();
    let refusedOnce = false;

    socket.on('lane.sample', (raw) => {
      const batch = Samples.safeParse(raw);
      if (!batch.success) return this.invalid(device, 'lane.sample', batch.error);
      for (const s of batch.data) if (lanes.has(s.lane)) samples.push(s.lane, s);
    });
    socket.on('lane.state', (raw) => {
      const st = LaneState.safeParse(raw);
      if (!st.success) return this.invalid(device, 'lane.state', st.error);
      if (lanes.has(st.data.lane)) this.feed.emit('lane.state', { deviceCode: device.code, siteId: device.siteId, ...st.data }, scope);
    });
    socket.on('heartbeat', (raw, ack) => {
      const serverNow = Date.now();
      const reply = (refused?: string) => {
        // The server time goes back even with a refusal: the station's clock offset does not depend on its figures.
        if (typeof ack === 'function') ack({ serverTime: new Date(serverNow).toISOString(), ...(refused ? { refused } : {}) });
      };
      const hb = Heartbeat.safeParse(raw);
      if (!hb.success) {
        reply(refusedHeartbeat(hb.error));
        // An agent sends one every 10 s: say it once per connection, then quietly.
        if (!refusedOnce) this.log.warn({ device: device.code, issues: hb.error.issues.slice(0, 3) }, 'refused a heartbeat that does not match the contract');
        else this.invalid(device, 'heartbeat', hb.error);
        refusedOnce = true;
        return;
      }
      reply();
      const h = hb.data;
      this.deps.presence.heartbeat(device.id, h.queueDepth, new Date(serverNow));
      this.recordStatus(device, h, serverNow);
      // Device clock minus server clock, as seen on arrival (includes the one-way network delay).
      const clockOffsetMs = Date.parse(h.at) - serverNow;
      const openTickets = h.openTickets ? { count: h.openTickets.count, oldestAt: h.openTickets.oldestAt } : null;
      this.feed.emit('device.heartbeat', { deviceCode: device.code, siteId: device.siteId, at: h.at, queueDepth: h.queueDepth, lastSeq: h.lastSeq, clockOffsetMs, readers: h.readers, alarms: h.alarms, openTickets }, scope);
      if (serverNow - touchedAt >= this.opts.touchEveryMs) {
        touchedAt = serverNow;
        void this.seen(device, false);
      }
    });
    socket.on('disconnect', () => {
      samples.stop();
      const wentOffline = this.deps.presence.disconnected(device.id, socket.id);
      if (!this.closing) void this.seen(device, wentOffline);
    });
  }

  /** Updates last_seen_at and, when the device came online or went offline, announces device.status. */
  private async seen(device: StationDeviceRow, announce: boolean): Promise<void> {
    try {
      const row = await this.deps.devices.touch(device.id);
      if (row && announce) this.deps.live.publish('device.status', deviceStatusEvent(row, this.deps.presence), { siteId: row.siteId, districtId: row.districtId });
    } catch (err) {
      this.log.warn({ err, device: device.code }, 'could not record device presence');
    }
  }

  /**
   * Writes the heartbeat down (station_device_status, and the clock hour as heard) at most every
   * `statusEveryMs` per device, however chatty the agent or often it reconnects, and always in a
   * new clock hour so the hour is never missed. The skipped heartbeats only refresh memory.
   */
  private recordStatus(device: StationDeviceRow, h: Heartbeat, serverNow: number): void {
    if (this.closing) return;
    const last = this.statusWrittenAt.get(device.id);
    const sameHour = last !== undefined && Math.floor(last / 3_600_000) === Math.floor(serverNow / 3_600_000);
    if (last !== undefined && serverNow - last < this.opts.statusEveryMs && sameHour) return;
    this.statusWrittenAt.set(device.id, serverNow);
    this.deps.status
      .record({ deviceId: device.id, heardAt: new Date(serverNow), reportedAt: h.at, softwareVersion: h.softwareVersion, queueDepth: h.queueDepth, openTickets: h.openTickets })
      .catch((err: unknown) => this.log.warn({ err, device: device.code }, 'could not record a device heartbeat'));
  }

  private invalid(device: StationDeviceRow, event: string, err: z.ZodError): void {
    this.log.debug({ device: device.code, event, issues: err.issues.slice(0, 3) }, 'ignored an invalid uplink message');
  }

  private socketsOf(deviceId: string): DeviceSocket[] {
    return [...this.nsp.sockets.values()].filter((s) => s.data.device?.id === deviceId);
  }

  /** Before the io server closes: disconnects every device without touching the database, which is closing too. */
  close(): void {
    this.closing = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.nsp.disconnectSockets(true);
  }
}

export function attachDeviceUplink(
  io: IoServer,
  ctx: Pick<AppContext, 'live' | 'presence' | 'log' | 'config'> & { db: Pick<AppContext['db'], 'pool'> },
  options?: DeviceUplinkOptions,
): DeviceUplink {
  const pool = ctx.db.pool;
  return new DeviceUplink(
    io,
    { ...ctx, devices: new StationDeviceRepository(pool), status: new DeviceStatusRepository(pool), security: new SecurityEventRepository(pool), maxSkewSeconds: ctx.config.DEVICE_CLOCK_SKEW_S },
    { statusEveryMs: ctx.config.DEVICE_STATUS_WRITE_S * 1000, ...options },
  ).start();
}
