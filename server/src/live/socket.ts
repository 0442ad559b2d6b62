import type { Server as HttpServer } from 'node:http';
import { Server as IoServer, type Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@haulproof/contracts';
import type { AppContext } from '../context.js';
import { canSee, roomsFor, roomsOf, type Principal } from '../services/principal.js';
import { DeltaQueue, type Delta } from './delta-queue.js';
import type { LiveMessage } from './publisher.js';
import { DeviceStatusReader, snapshotSource, type SnapshotSource, type TicketFeed } from './snapshot.js';

export interface LiveSocketOptions {
  /** How often queued deltas go out, merged by id. */
  flushMs?: number;
  /** Deltas per socket per flush; the rest wait for the next flush. */
  maxPerFlush?: number;
  /** A backlog beyond this is replaced by a fresh snapshot. */
  maxBacklog?: number;
  /** Tickets in the snapshot sent on connect. */
  snapshotSize?: number;
  /** How often each socket's session is checked again (expired token, disabled user, changed scope). */
  revalidateMs?: number;
}

interface SocketData {
  principal: Principal;
  token: string;
}
type LiveServer = IoServer<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

interface Client {
  socket: LiveSocket;
  queue: DeltaQueue;
  ready: boolean; // false until its snapshot went out
}

/** An Error whose message the client sees in `connect_error`; `data.status` lets it tell "log in again" from "retry". */
function refusal(status: number, message: string): Error {
  return Object.assign(new Error(message), { data: { status } });
}

/**
 * Live events over socket.io at /socket.io. A person connects with
 * `auth: { token }`, joins the rooms of their scope, gets one `snapshot`,
 * then deltas from ctx.live. Rooms narrow the fan-out; `canSee` is the rule,
 * checked again for every delta and every socket.
 */
export class LiveSockets {
  readonly io: LiveServer;
  private readonly clients = new Map<string, Client>();
  private readonly opts: Required<LiveSocketOptions>;
  private readonly log: AppContext['log'];
  private unsubscribe: (() => void) | null = null;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly http: HttpServer,
    private readonly deps: Pick<AppContext, 'tokens' | 'users' | 'live' | 'log'> & { snapshots: SnapshotSource },
    options: LiveSocketOptions = {},
  ) {
    this.opts = { flushMs: 250, maxPerFlush: 200, maxBacklog: 1000, snapshotSize: 50, revalidateMs: 60_000, ...options };
    this.log = deps.log.child({ module: 'live' });
    this.io = new IoServer({ path: '/socket.io', serveClient: true, cors: { origin: false } });
  }

  /** Attaches to the http server and starts listening to ctx.live. close() undoes it in reverse order. */
  start(): this {
    this.io.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (err: Error) => next(err),
      );
    });
    this.io.on('connection', (socket) => this.onConnection(socket));
    this.io.attach(this.http);
    this.unsubscribe = this.deps.live.subscribe((m) => this.route(m));
    this.timers.push(setInterval(() => this.flushAll(), this.opts.flushMs).unref());
    this.timers.push(setInterval(() => void this.revalidateAll(), this.opts.revalidateMs).unref());
    return this;
  }

  private async authenticate(socket: LiveSocket): Promise<void> {
    const token: unknown = socket.handshake.auth?.token;
    if (typeof token !== 'string' || token.length === 0) {
      throw refusal(401, 'authentication required: connect with auth: { token } from POST /api/v1/auth/login');
    }
    const principal = await this.principalFor(token).catch((err: unknown) => {
      this.log.error({ err }, 'could not check a socket session');
      throw refusal(503, 'the server could not check your session; try again shortly');
    });
    if (!principal) throw refusal(401, 'session expired, invalid or user disabled; log in again');
    socket.data.principal = principal;
    socket.data.token = token;
  }

  private async principalFor(token: string): Promise<Principal | null> {
    const userId = await this.deps.tokens.verify(token);
    return userId ? this.deps.users.findPrincipal(userId) : null;
  }

  private onConnection(socket: LiveSocket): void {
    const client: Client = { socket, queue: new DeltaQueue(this.opts.maxPerFlush, this.opts.maxBacklog), ready: false };
    this.clients.set(socket.id, client);
    void socket.join(roomsFor(socket.data.principal));
    socket.on('disconnect', () => {
      client.queue.clear();
      this.clients.delete(socket.id);
    });
    void this.sendSnapshot(client);
  }

  /** Deltas that arrive while the snapshot is being read wait in the queue; the client upserts by id, so overlap is harmless. */
  private async sendSnapshot(client: Client): Promise<void> {
    client.ready = false;
    const { principal } = client.socket.data;
    try {
      const s = await this.deps.snapshots.snapshot(principal, this.opts.snapshotSize);
      if (client.socket.connected) client.socket.emit('snapshot', { ...s, at: new Date().toISOString() });
    } catch (err) {
      this.log.warn({ err, user: principal.username }, 'live snapshot failed; the socket gets deltas only');
    } finally {
      client.ready = true;
    }
  }

  private route(m: LiveMessage): void {
    if (m.event === 'snapshot') return; // snapshots are per socket, never broadcast
    const rooms = this.io.sockets.adapter.rooms;
    const seen = new Set<string>();
    for (const room of roomsOf(m.scope)) {
      for (const id of rooms.get(room) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        const client = this.clients.get(id);
        // The rooms are a coarse index; this is the rule.
        const p = client?.socket.data.principal;
        if (client && p && canSee(p, m.scope) && !(m.except && canSee(p, m.except))) client.queue.push({ event: m.event, payload: m.payload } as Delta);
      }
    }
  }

  private flushAll(): void {
    for (const client of this.clients.values()) {
      if (!client.ready) continue;
      const drained = client.queue.drain();
      if (drained.kind === 'resync') void this.sendSnapshot(client);
      else for (const d of drained.deltas) client.socket.emit(d.event, d.payload as never);
    }
  }

  private async revalidateAll(): Promise<void> {
    for (const client of [...this.clients.values()]) {
      const { socket } = client;
      let current: Principal | null;
      try {
        current = await this.principalFor(socket.data.token);
      } catch {
        continue; // database hiccup: check again next round
      }
      if (!current) {
        socket.disconnect(true);
        continue;
      }
      const before = socket.data.principal;
      if (current.role !== before.role || current.siteId !== before.siteId || current.carrierId !== before.carrierId || current.districtId !== before.districtId) {
        for (const room of roomsFor(before)) void socket.leave(room);
        socket.data.principal = current;
        void socket.join(roomsFor(current));
        client.queue.clear();
        void this.sendSnapshot(client);
      }
    }
  }

  /** Number of connected, authenticated sockets. */
  get connections(): number {
    return this.clients.size;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.clients.clear();
    // What io.close() does, minus closing the http server, which its owner
    // closes (io.close() would wait on keep-alive connections there). Upgraded
    // websocket connections must go first, or http.close() would wait on them.
    this.io.local.disconnectSockets(true);
    this.io.engine.close();
  }
}

/** Live sockets for a running server: snapshots from TicketService and the device registry. */
export function attachLiveSockets(http: HttpServer, ctx: Pick<AppContext, 'tokens' | 'users' | 'live' | 'log' | 'tickets' | 'db' | 'presence'>, options?: LiveSocketOptions): LiveSockets {
  const tickets: TicketFeed = { latest: async (p, limit) => (await ctx.tickets.list(p, { limit })).items };
  return new LiveSockets(http, { ...ctx, snapshots: snapshotSource(tickets, new DeviceStatusReader(ctx.db.prisma, ctx.presence)) }, options).start();
}
