// The seams between the agent's parts. Each part depends on these interfaces,
// not on another part's class, so each can be tested alone and the agent wires them.
import type { DeviceRecordPayload, DeviceRegistrySnapshot, EventBody, LaneStateName, StreamCode, TicketBody, VoidBody } from '@haulproof/contracts';

// ── time ────────────────────────────────────────────────────────────
/** Milliseconds since the epoch. Injected everywhere so tests can use fake timers. */
export type Clock = () => number;

// ── readings from devices (hardware/ produces IndicatorReading; this is the agent's view) ──
export interface WeightSample {
  lane: string;
  at: number; // ms
  kg: number | null; // integer kg, null when the frame carries no usable weight (overload, non-kg unit without conversion)
  motion: boolean | null; // indicator's motion flag; null when the format has none
  overload: boolean;
  underload: boolean;
  negative: boolean;
}

// ── the journal: durable, signed, chained; synchronous because better-sqlite3 is ──
export interface JournalEntry {
  seq: number;
  kind: DeviceRecordPayload['kind'];
  payload: DeviceRecordPayload;
  canonical: Buffer; // exactly the signed bytes
  signature: Buffer;
  hash: string;
  createdAt: number; // ms
  ackedAt: number | null; // ms, when the server's acknowledgement was recorded
}

/**
 * A first pass waiting for its second. Kept in the journal so a restart does not lose it.
 * Keyed by vehicle: at most one per (normalised) plate, shared by every lane of the agent, so a
 * truck may weigh in on one lane and out on another while other trucks weigh in meanwhile.
 */
export interface OpenTicket {
  lane: string; // the lane of the first pass; the ticket's lane is the lane of the second
  plate: string; // normalised (contracts normalisePlate): the key
  card: string | null;
  stream: StreamCode;
  direction: 'IN' | 'OUT';
  firstKg: number;
  firstSource: 'WEIGHED' | 'KEYED'; // an estimate is one whole record, never a first pass
  firstAt: number; // ms
  route: string | null;
  permit: string | null;
  origin: string | null;
  operator: string | null;
  flags: string[];
}

export class JournalUnavailableError extends Error {
  override name = 'JournalUnavailableError';
}

export interface TicketJournal {
  /**
   * Signs the next record in the device's chain and writes it durably (WAL, synchronous=FULL)
   * before returning. Throws JournalUnavailableError (disk full, I/O error); then nothing was written.
   */
  appendTicket(ticket: TicketBody): JournalEntry;
  appendVoid(v: VoidBody): JournalEntry;
  appendEvent(e: EventBody): JournalEntry;
  entry(seq: number): JournalEntry | undefined;
  lastSeq(): number;
  /**
   * The newest ticket for this normalised plate completed (secondAt, or firstAt of a one-pass
   * ticket) at or after `sinceMs`. An indexed query: records set aside in quarantine are simply
   * absent, they do not hide older tickets.
   */
  lastTicketFor(plate: string, sinceMs: number): JournalEntry | undefined;
  /**
   * This plate's tickets, newest first (by completion time, then seq), at most `limit`, leaving
   * out tickets a later void record voided: the history an estimate (估重) is computed from.
   */
  recentTicketsFor(plate: string, limit: number): JournalEntry[];

  /** Stores a first pass. Throws InvalidRecordError if the plate already has an open ticket. */
  saveOpenTicket(o: OpenTicket): void;
  openTicketFor(plate: string): OpenTicket | undefined;
  /** Every open ticket of the agent, oldest first. */
  openTickets(): OpenTicket[];
  /**
   * The second pass: appends the ticket and deletes the plate's open ticket in one transaction,
   * or does neither (throws; InvalidRecordError if no ticket is open for the plate).
   */
  completeOpenTicket(plate: string, ticket: TicketBody): JournalEntry;
  /** Appends the OPEN_TICKET_VOIDED event and deletes the plate's open ticket in one transaction, or does neither. */
  voidOpenTicket(plate: string, event: EventBody): JournalEntry;

  /** False after a failed write until a write succeeds again: lanes start no weighing meanwhile. */
  healthy(): boolean;

  /** Records not yet acknowledged, in seq order. */
  unacked(limit: number): JournalEntry[];
  /** Durably records the server's acknowledgement of these seqs. */
  markAcked(acks: { seq: number; ticketId: string | null; receivedAt: string }[]): void;
  queueDepth(): number;
}

// ── the registry as the lane sees it (served from the cached snapshot; works offline) ──
export type RegistrySnapshot = DeviceRegistrySnapshot;

export interface RegistryView {
  snapshot(): RegistrySnapshot | null;
  vehicleByCard(uid: string): { card: RegistrySnapshot['cards'][number]; vehicle: RegistrySnapshot['vehicles'][number] | undefined } | undefined;
  vehicleByPlate(plate: string): RegistrySnapshot['vehicles'][number] | undefined;
  /** Permits that let this plate carry construction waste to or from this site at `at`. */
  permitsFor(plate: string, at: number): RegistrySnapshot['permits'];
  routeFor(plate: string, stream: StreamCode): RegistrySnapshot['routes'][number] | undefined;
}

// ── what the agent's parts announce (typed event bus; a throwing listener is logged, never fatal) ──
export type AgentEvent =
  | { type: 'weight.sample'; sample: WeightSample }
  | { type: 'scale.state'; lane: string; state: 'connected' | 'disconnected' | 'fault'; detail: string | null; at: number }
  | { type: 'card.presented'; reader: string; uid: string; at: number }
  | { type: 'card.removed'; reader: string; uid: string; at: number }
  | { type: 'reader.state'; reader: string; state: 'ready' | 'absent' | 'error'; detail: string | null; at: number }
  | { type: 'lane.state'; lane: string; state: LaneStateName; plate: string | null; message: string | null; at: number }
  | { type: 'ticket.completed'; lane: string; entry: JournalEntry }
  | { type: 'alarm'; code: string; message: string; at: number }
  | { type: 'alarm.cleared'; code: string; at: number };
