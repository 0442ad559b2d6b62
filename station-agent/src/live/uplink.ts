import { io, type Socket } from 'socket.io-client';
import type { DeviceToServerEvents, HeartbeatAck } from '@haulproof/contracts';
import { deviceRequestMessage, signBytes } from '@haulproof/contracts/signing';
import type { KeyObject } from 'node:crypto';
import type { AgentEvent, Clock } from '../types.js';

type Sample = Parameters<DeviceToServerEvents['lane.sample']>[0][number];
type Heartbeat = Parameters<DeviceToServerEvents['heartbeat']>[0];

export interface UplinkOptions {
  serverUrl: string;
  deviceCode: string;
  privateKey: KeyObject;
  clock?: Clock;
  /** Samples go out at most this often per lane (operator screens need a few per second, not 20). */
  sampleIntervalMs?: number;
  heartbeatIntervalMs?: number;
  /** What the heartbeat reports; read fresh each beat. */
  status: () => Omit<Heartbeat, 'at'>;
  /** Called on every (re)connection: the server is reachable again. */
  onConnect?: () => void;
  log?: (m: string) => void;
}

/**
 * The live feed to the server's /devices namespace: throttled weight samples,
 * lane states and a heartbeat (queue depth, last frame, readers, clock offset).
 * Nothing here is evidence; losing it loses nothing. It reconnects on its own.
 */
export class Uplink {
  private socket: Socket<Record<string, never>, DeviceToServerEvents> | null = null;
  private readonly latest = new Map<string, Sample>(); // newest sample per lane since the last flush
  private timers: NodeJS.Timeout[] = [];
  private readonly clock: Clock;
  /** server time − local time, from the last heartbeat round trip (ms); null until measured. */
  clockOffsetMs: number | null = null;
  /** Why the server refused the last heartbeat (it says so in the ack); null once one is accepted. */
  heartbeatRefused: string | null = null;

  constructor(private readonly opts: UplinkOptions) {
    this.clock = opts.clock ?? Date.now;
  }

  start(): void {
    const { serverUrl, deviceCode, privateKey } = this.opts;
    this.socket = io(`${serverUrl.replace(/\/$/, '')}/devices`, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnectionDelayMax: 30_000,
      // A fresh signature for every (re)connection: the server refuses stale times.
      auth: (cb) => {
        const ts = new Date(this.clock()).toISOString();
        cb({ device: deviceCode, ts, sig: signBytes(privateKey, deviceRequestMessage('SOCKET', '/devices', ts, new Uint8Array())).toString('base64') });
      },
    });
    this.socket.on('connect_error', (err) => this.opts.log?.(`live uplink: ${err.message}`));
    this.socket.on('connect', () => this.opts.onConnect?.());
    this.timers.push(setInterval(() => this.flushSamples(), this.opts.sampleIntervalMs ?? 250).unref());
    this.timers.push(setInterval(() => this.beat(), this.opts.heartbeatIntervalMs ?? 10_000).unref());
  }

  /** Feed from the agent's event bus. */
  handle(e: AgentEvent): void {
    if (e.type === 'weight.sample') {
      const s = e.sample;
      this.latest.set(s.lane, { lane: s.lane, at: new Date(s.at).toISOString(), kg: s.kg, stable: s.motion === null ? null : !s.motion, overload: s.overload, underload: s.underload });
    } else if (e.type === 'lane.state' && this.socket?.connected) {
      this.socket.emit('lane.state', { lane: e.lane, state: e.state, plate: e.plate, message: e.message, at: new Date(e.at).toISOString() });
    }
  }

  private flushSamples(): void {
    if (this.latest.size === 0 || !this.socket?.connected) return;
    this.socket.emit('lane.sample', [...this.latest.values()]);
    this.latest.clear();
  }

  private beat(): void {
    const socket = this.socket;
    if (!socket?.connected) return;
    const sentAt = this.clock();
    socket.timeout(5_000).emit('heartbeat', { ...this.opts.status(), at: new Date(sentAt).toISOString() }, (err: Error | null, reply?: HeartbeatAck) => {
      if (err || !reply) return;
      // A refusal is a bug between agent and server versions: logged when it starts or changes, not every beat.
      const refused = reply.refused ?? null;
      if (refused && refused !== this.heartbeatRefused) this.opts.log?.(`live uplink: ${refused}`);
      this.heartbeatRefused = refused;
      // NTP-style: assume the reply was stamped halfway through the round trip.
      const now = this.clock();
      this.clockOffsetMs = Math.round(Date.parse(reply.serverTime) - (sentAt + now) / 2);
    });
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.socket?.disconnect();
    this.socket = null;
  }
}
