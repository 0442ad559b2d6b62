import type { Direction, StreamCode } from '@haulproof/contracts';
import type { EventBus } from '../event-bus.js';
import type { Clock, RegistryView, TicketJournal } from '../types.js';
import type { CardRegistry } from './card-registry.js';
import type { ScaleSpec, StabilityOptions } from './stability.js';

export interface LaneLogger {
  info(msg: string, ctx?: Record<string, unknown>): void;
  warn(msg: string, ctx?: Record<string, unknown>): void;
  error(msg: string, ctx?: Record<string, unknown>): void;
}

export interface LanePolicy {
  /**
   * TWO_PASS: every load is weighed full and empty (outbound trailers, construction loads).
   * STORED_TARE: one pass against the vehicle's unexpired stored tare (transfer-station inbound
   * compactors); a vehicle without one falls back to two passes.
   */
  weighing: 'TWO_PASS' | 'STORED_TARE';
  storedTareDirection: Direction; // what a one-pass load is: IN (delivered here) by default
  defaultStream: StreamCode | null; // for multi-stream vehicles, unless the operator selects another
  openTicketTimeoutMs: number; // a first pass without a second is voided after this (12 h); open tickets are shared by the lanes, so give them all the same
  repeatWithinMs: number; // the same vehicle weighed again within this is refused until overridden (10 min)
  tareDeviationShare: number; // weighed tare vs stored tare (0.03 = 3 %)
  identifyTimeoutMs: number; // a card presented at the gate expires if no vehicle drives on (2 min)
  refusedHoldMs: number; // a refusal stays on screen this long when no vehicle is on the deck (30 s)
  frameTimeoutMs: number; // no indicator frame for this long is a frame-rate fault (3 s)
  tickMs: number; // how often timeouts are checked (1 s)
  // 估重 while the scale cannot weigh (estimate.ts): the median of the vehicle's newest weighed
  // tickets (at least estimateMinSamples of up to estimateSamples), else, where configured, a
  // share of its rated load; else the estimate is refused
  estimateSamples: number; // 5
  estimateMinSamples: number; // 3
  estimateRatedLoadShare: number | null; // null: no rated-load fallback
}

export const DEFAULT_POLICY: LanePolicy = {
  weighing: 'TWO_PASS',
  storedTareDirection: 'IN',
  defaultStream: null,
  openTicketTimeoutMs: 12 * 3600_000,
  repeatWithinMs: 10 * 60_000,
  tareDeviationShare: 0.03,
  identifyTimeoutMs: 120_000,
  refusedHoldMs: 30_000,
  frameTimeoutMs: 3000,
  tickMs: 1000,
  estimateSamples: 5,
  estimateMinSamples: 3,
  estimateRatedLoadShare: null,
};

export interface LaneOptions {
  code: string; // the lane code from the registry snapshot
  scale: ScaleSpec; // Max, e and Min of this lane's scale (snapshot.lanes[])
  stability?: Omit<StabilityOptions, keyof ScaleSpec>;
  policy?: Partial<LanePolicy>;
  readers?: string[]; // card readers that belong to this lane
}

export interface LaneDeps {
  journal: TicketJournal;
  registry: RegistryView;
  bus: EventBus;
  cards: CardRegistry; // one per agent, shared by all lanes
  clock: Clock;
  softwareVersion: string;
  logger?: LaneLogger;
}
