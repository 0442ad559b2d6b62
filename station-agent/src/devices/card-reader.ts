/**
 * An IC-card reader on PC/SC through nfc-pcsc (PROTOCOLS.md, "Card readers").
 * Emits `card.presented` / `card.removed` with the UID in lower-case hex, and
 * `reader.state` ready / absent / error whenever that changes.
 *
 * nfc-pcsc's weak spots, and what this does about them:
 *  - an unplugged-and-replugged reader may not be noticed, and a stopped
 *    pcscd kills the instance for good: while no reader is attached, the NFC
 *    instance is recreated every `rescanMs`;
 *  - `new NFC()` blocks the event loop while pcscd is down: it is only
 *    constructed after `serviceAvailable()` says pcscd answers;
 *  - a failed card connect is swallowed (Reader.js emits the error as an
 *    event name): a card that stays present without a UID for
 *    `cardTimeoutMs` is reported as a reader error;
 *  - an emitter without an 'error' listener throws: every emitter gets one,
 *    and every listener body is guarded.
 */
import { createRequire } from 'node:module';
import type { EventBus } from '../event-bus.js';
import type { Clock } from '../types.js';
import { errorMessage } from './errors.js';
import { silentLogger, type DeviceLogger } from './log.js';
import type { CreateNfc, NfcCard, NfcLike, NfcReaderLike } from './nfc-types.js';
import { pcscdReachable } from './pcsc-service.js';
import { realTimers, type Timers } from './timers.js';
import type { ReaderStateName } from './states.js';

export interface CardReaderOptions {
  /** The reader's id in AgentEvents (e.g. "L1-ic"). */
  reader: string;
  bus: EventBus;
  /** Which PC/SC reader: its exact name or a pattern (default: the first that appears). */
  match?: string | RegExp;
  /** While no reader is attached, recreate the NFC instance this often (default 5000 ms). */
  rescanMs?: number;
  /** Give up waiting for a new instance's readers after this long and say absent (default 1500 ms). */
  readerWaitMs?: number;
  /** A present card without a UID after this long is a reader error (default 3000 ms). */
  cardTimeoutMs?: number;
  serviceAvailable?: () => Promise<boolean>;
  createNfc?: CreateNfc;
  clock?: Clock;
  timers?: Timers;
  log?: DeviceLogger;
}

/** nfc-pcsc is CommonJS and native; load it only when a real reader is wanted. */
const loadNfc: CreateNfc = () => {
  const { NFC } = createRequire(import.meta.url)('nfc-pcsc') as { NFC: new () => NfcLike };
  return new NFC();
};

export function normaliseUid(uid: string): string | null {
  const hex = uid.replace(/[\s:-]/g, '').toLowerCase();
  return /^([0-9a-f]{2})+$/.test(hex) ? hex : null;
}

export class CardReader {
  readonly reader: string;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly log: DeviceLogger;
  private nfc: NfcLike | null = null;
  private attached: NfcReaderLike | null = null;
  private card: string | null = null;
  private running = false;
  private scanning: Promise<void> | null = null;
  private rescanTimer: unknown = null;
  private waitTimer: unknown = null;
  private cardTimer: unknown = null;
  private reported: ReaderStateName | 'stopped' = 'stopped';

  constructor(private readonly o: CardReaderOptions) {
    this.reader = o.reader;
    this.clock = o.clock ?? Date.now;
    this.timers = o.timers ?? realTimers;
    this.log = o.log ?? silentLogger;
  }

  get state(): ReaderStateName | 'stopped' {
    return this.reported;
  }

  /** The PC/SC name of the attached reader. */
  get readerName(): string | null {
    return this.attached?.name ?? null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.rescanTimer = this.timers.setInterval(() => {
      if (!this.attached) void this.scan();
    }, this.o.rescanMs ?? 5000);
    await this.scan();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.clearTimer('rescanTimer');
    await this.scanning;
    this.detach('stopped');
    this.dispose();
    if (this.reported !== 'absent') this.emitState('absent', 'stopped');
    this.reported = 'stopped';
  }

  /** One look for a reader: make a fresh NFC instance if pcscd answers. Never throws. */
  private scan(): Promise<void> {
    this.scanning ??= this.rescan()
      .catch((err: unknown) => this.report('error', errorMessage(err)))
      .finally(() => (this.scanning = null));
    return this.scanning;
  }

  private async rescan(): Promise<void> {
    const up = await (this.o.serviceAvailable ?? (() => pcscdReachable()))();
    if (!this.running || this.attached) return;
    this.dispose();
    if (!up) {
      this.report('absent', 'PC/SC service (pcscd) not running');
      return;
    }
    const nfc = (this.o.createNfc ?? loadNfc)();
    this.nfc = nfc;
    nfc.on('error', (err) =>
      this.guard(() => {
        if (this.nfc !== nfc) return; // a closed instance saying it was cancelled
        // pcscd went away or the reader list failed: this instance is finished.
        this.log.warn('pc/sc error', { reader: this.reader, err: errorMessage(err) });
        if (!this.attached) this.report('absent', `PC/SC: ${errorMessage(err)}`);
      }),
    );
    nfc.on('reader', (r) => this.guard(() => this.onReader(nfc, r)));
    this.clearTimer('waitTimer');
    this.waitTimer = this.timers.setTimeout(() => {
      this.waitTimer = null;
      if (this.running && this.nfc === nfc && !this.attached) this.report('absent', 'no card reader found');
    }, this.o.readerWaitMs ?? 1500);
  }

  private matches(name: string): boolean {
    const m = this.o.match;
    if (m === undefined) return true;
    return typeof m === 'string' ? name === m : m.test(name);
  }

  private onReader(nfc: NfcLike, r: NfcReaderLike): void {
    r.on('error', (err) => this.guard(() => this.onReaderError(r, err)));
    if (this.nfc !== nfc || this.attached || !this.matches(r.name)) return; // another lane's reader, or a spare
    this.attached = r;
    this.clearTimer('waitTimer');
    r.on('card', (card) => this.guard(() => this.onCard(r, card)));
    r.on('card.off', (card) => this.guard(() => this.onCardOff(r, card)));
    r.on('end', () => this.guard(() => this.onEnd(r)));
    r.reader?.on('status', (s) =>
      this.guard(() => {
        if (this.attached !== r || !r.reader) return;
        if (s.state & r.reader.SCARD_STATE_PRESENT) this.armCardTimer(r);
        else this.clearTimer('cardTimer');
      }),
    );
    this.report('ready', r.name);
  }

  private onCard(r: NfcReaderLike, card: NfcCard): void {
    if (this.attached !== r) return;
    this.clearTimer('cardTimer');
    const uid = card.uid === undefined ? null : normaliseUid(card.uid);
    if (!uid) {
      this.report('error', 'card without a readable UID');
      return;
    }
    if (this.card !== null && this.card !== uid) this.emitRemoved(this.card);
    this.card = uid;
    this.report('ready', r.name);
    this.o.bus.emit({ type: 'card.presented', reader: this.reader, uid, at: this.clock() });
  }

  private onCardOff(r: NfcReaderLike, card: NfcCard): void {
    if (this.attached !== r) return;
    this.clearTimer('cardTimer');
    const uid = this.card ?? (card.uid ? normaliseUid(card.uid) : null);
    this.card = null;
    if (uid) this.emitRemoved(uid);
  }

  private onReaderError(r: NfcReaderLike, err: Error): void {
    this.log.warn('card reader error', { reader: this.reader, name: r.name, err: errorMessage(err) });
    // Reading one card failed (a card pulled away mid-read, an unknown card type): the reader itself is fine
    // unless 'end' follows, which reports absent.
    if (this.attached === r) this.report('error', errorMessage(err));
  }

  private onEnd(r: NfcReaderLike): void {
    if (this.attached !== r) return;
    this.detach('reader removed');
    this.report('absent', `${r.name} removed`);
    // The next rescan tick makes a fresh instance; the old one may never see the reader again.
  }

  private armCardTimer(r: NfcReaderLike): void {
    if (this.card !== null || this.cardTimer !== null) return;
    this.cardTimer = this.timers.setTimeout(() => {
      this.cardTimer = null;
      if (this.attached === r && this.card === null) this.report('error', 'card present but unreadable (connect or UID request failed)');
    }, this.o.cardTimeoutMs ?? 3000);
  }

  private detach(why: string): void {
    this.clearTimer('cardTimer');
    if (this.card !== null) {
      this.log.info('card gone with its reader', { reader: this.reader, why });
      this.emitRemoved(this.card);
    }
    this.card = null;
    this.attached = null;
  }

  private dispose(): void {
    this.clearTimer('waitTimer');
    const nfc = this.nfc;
    this.nfc = null;
    if (!nfc) return;
    try {
      for (const r of Object.values(nfc.readers ?? {})) r.close();
      nfc.close();
    } catch (err) {
      this.log.warn('closing nfc-pcsc failed', { reader: this.reader, err: errorMessage(err) });
    }
  }

  private emitRemoved(uid: string): void {
    this.o.bus.emit({ type: 'card.removed', reader: this.reader, uid, at: this.clock() });
  }

  private report(state: ReaderStateName, detail: string): void {
    if (state === this.reported || !this.running) return;
    this.emitState(state, detail);
  }

  private emitState(state: ReaderStateName, detail: string): void {
    this.reported = state;
    this.o.bus.emit({ type: 'reader.state', reader: this.reader, state, detail, at: this.clock() });
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error('card reader handler failed', { reader: this.reader, err: errorMessage(err) });
    }
  }

  private clearTimer(which: 'rescanTimer' | 'waitTimer' | 'cardTimer'): void {
    const t = this[which];
    if (t === null) return;
    if (which === 'rescanTimer') this.timers.clearInterval(t);
    else this.timers.clearTimeout(t);
    this[which] = null;
  }
}
