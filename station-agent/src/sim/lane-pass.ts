/**
 * One vehicle over one lane, as it happens at a weighbridge: the truck drives on
 * and stops, the driver holds the card to the reader, the operator picks the
 * waste stream if the lane asks, the weight settles and is captured (or the lane
 * refuses), the card comes off and the truck drives away. Only the simulated
 * devices are touched; what the lane decided is read back from the agent.
 */
import type { StreamCode } from '@haulproof/contracts';
import type { EventBus } from '../event-bus.js';
import type { JournalEntry } from '../types.js';
import type { Lane } from '../weighing/index.js';
import type { SimLane } from './sim-devices.js';

export type LaneControl = Pick<Lane, 'code' | 'view' | 'selectStream' | 'reset'>;

export interface PassPlan {
  plate: string;
  card: string;
  /** What the indicator will show once the truck stands still. */
  kg: number;
  /** The operator's choice when the lane asks for the stream (multi-stream vehicles). */
  stream: StreamCode | null;
  operator: string;
}

export type PassOutcome =
  | { kind: 'ticket'; entry: JournalEntry }
  | { kind: 'opened' } // a first pass, saved as an open ticket
  | { kind: 'refused'; message: string }
  | { kind: 'failed'; message: string }; // fault, timeout, or the lane never came free

export interface PassTiming {
  /** How long the lane may take to capture or refuse once the card is shown (default 30 s). */
  captureTimeoutMs?: number;
  /** How long the lane may take to come free before and after (default 20 s). */
  clearTimeoutMs?: number;
  /** The driver's pause between stopping and holding up the card (default 300 ms). */
  cardDelayMs?: number;
  pollMs?: number;
}

export async function weighPass(lane: LaneControl, devices: SimLane, bus: EventBus, plan: PassPlan, timing: PassTiming = {}, signal?: AbortSignal): Promise<PassOutcome> {
  const poll = timing.pollMs ?? 50;
  const clearMs = timing.clearTimeoutMs ?? 20_000;
  const { indicator, reader } = devices;
  if (!reader) return { kind: 'failed', message: `lane ${lane.code} has no card reader` };

  if (!(await until(() => ready(lane), clearMs, poll, signal))) return { kind: 'failed', message: `lane ${lane.code} did not come free (${lane.view().state})` };
  let completed: JournalEntry | null = null;
  const off = bus.on((e) => {
    if (e.type === 'ticket.completed' && e.lane === lane.code && ticketPlate(e.entry) === plan.plate) completed = e.entry;
  });
  try {
    indicator.arrive(plan.kg);
    await sleep(200, signal); // the first frames of the ramp
    await until(() => !indicator.rolling, clearMs, poll, signal);
    await sleep(timing.cardDelayMs ?? 300, signal);
    reader.presentCard(plan.card);

    let asked = false;
    let outcome: PassOutcome | null = null;
    await until(
      () => {
        const v = lane.view();
        if (v.state === 'CAPTURED' || (completed && v.state !== 'SETTLING')) outcome = completed ? { kind: 'ticket', entry: completed } : { kind: 'opened' };
        else if (v.state === 'REFUSED') outcome = { kind: 'refused', message: v.message ?? 'refused' };
        else if (v.state === 'FAULT') outcome = { kind: 'failed', message: v.message ?? 'lane fault' };
        else if (v.state === 'IDENTIFIED' && v.stream === null && !asked) {
          asked = true;
          const r = plan.stream ? lane.selectStream(plan.stream, plan.operator) : { ok: false, message: 'no stream to choose' };
          if (!r.ok) outcome = { kind: 'failed', message: `stream selection refused: ${r.message}` };
        }
        return outcome !== null;
      },
      timing.captureTimeoutMs ?? 30_000,
      poll,
      signal,
    );
    const result: PassOutcome = outcome ?? { kind: 'failed', message: `no capture within the time limit (lane ${lane.view().state}: ${lane.view().message ?? ''})` };
    await sleep(200, signal);
    reader.remove();
    indicator.depart();
    await until(() => indicator.atRest && indicator.shownKg === 0, clearMs, poll, signal);
    // a fault whose cause has gone (frames back) is cleared as an operator would, so the lane serves the next truck
    if (lane.view().state === 'FAULT') lane.reset();
    return result;
  } finally {
    off();
    reader.remove();
  }
}

function ready(lane: LaneControl): boolean {
  const s = lane.view().state;
  if (s === 'FAULT') lane.reset();
  return s === 'IDLE';
}

function ticketPlate(e: JournalEntry): string | null {
  return e.payload.kind === 'ticket' ? e.payload.ticket.plate : null;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(t);
      reject(signal!.reason as Error);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/** Polls `check` until it holds (true) or `timeoutMs` passes (false). Rejects when `signal` aborts. */
export async function until(check: () => boolean, timeoutMs: number, pollMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(pollMs, signal);
  }
}
