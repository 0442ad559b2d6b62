/**
 * R2000-module UHF reader messages (PROTOCOLS.md, "UHF lane readers"): the
 * real-time inventory command 0x89 and what the reader sends back.
 *
 * A tag report is `A0 Len Addr 89 FreqAnt PC(2) EPC… RSSI Check`:
 *  - FreqAnt: bits 7–2 the frequency-table index, bits 1–0 the antenna (0–3);
 *  - PC: EPC Gen2 protocol control word; bits 15–11 give the EPC length in words;
 *  - RSSI: dBm + 129 (the module's RSSI table).
 * The round ends with `A0 0A Addr 89 Ant ReadRate(2) TotalRead(4) Check`; an
 * error reply is `A0 04 Addr 89 ErrorCode Check`. A tag report can never have
 * Len 0x0A, because its EPC is a whole number of 16-bit words.
 */
import { R2000FrameStream, encodeR2000Frame, type R2000Frame, type R2000Stats } from './r2000-frame.js';

export { R2000FrameStream, encodeR2000Frame, r2000Checksum, R2000_HEAD, type R2000Frame, type R2000Stats } from './r2000-frame.js';

export const R2000_CMD = { realTimeInventory: 0x89 } as const;
/** The broadcast address every module answers to. */
export const R2000_BROADCAST = 0xff;
const RSSI_OFFSET = 129;

export interface R2000Tag {
  kind: 'tag';
  address: number;
  /** EPC as lower-case hex, as the agent uses it for a card UID. */
  epc: string;
  /** dBm. */
  rssi: number;
  /** 1–4. */
  antenna: number;
  frequencyIndex: number;
  pc: number;
}

export interface R2000InventoryEnd {
  kind: 'inventory-end';
  address: number;
  antenna: number;
  /** Tags per second in the round. */
  readRate: number;
  totalRead: number;
}

export interface R2000Error {
  kind: 'error';
  address: number;
  command: number;
  code: number;
}

/** A checked frame this module does not interpret (replies to other commands). */
export interface R2000Other {
  kind: 'other';
  frame: R2000Frame;
}

export type R2000Message = R2000Tag | R2000InventoryEnd | R2000Error | R2000Other;

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** Null when a 0x89 frame's data is not a tag report, an end of round or an error (counted as bad layout). */
export function decodeR2000Frame(f: R2000Frame): R2000Message | null {
  if (f.command !== R2000_CMD.realTimeInventory) return { kind: 'other', frame: f };
  const d = f.data;
  if (d.length === 1) return { kind: 'error', address: f.address, command: f.command, code: d[0]! };
  if (d.length === 7) {
    const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
    return { kind: 'inventory-end', address: f.address, antenna: (d[0]! & 0x03) + 1, readRate: v.getUint16(1), totalRead: v.getUint32(3) };
  }
  // FreqAnt, PC(2), at least one EPC word, RSSI.
  const epcBytes = d.length - 4;
  if (epcBytes < 2 || epcBytes % 2 !== 0) return null;
  const pc = (d[1]! << 8) | d[2]!;
  // The frame length decides the EPC; the PC length field is reported, not trusted:
  // modules differ in whether they count XPC words, and the device wins.
  return {
    kind: 'tag',
    address: f.address,
    epc: hex(d.subarray(3, 3 + epcBytes)),
    rssi: d[d.length - 1]! - RSSI_OFFSET,
    antenna: (d[0]! & 0x03) + 1,
    frequencyIndex: d[0]! >> 2,
    pc,
  };
}

/** Frames in, messages out; malformed 0x89 frames are counted as bad layout. */
export class R2000Decoder {
  private readonly frames = new R2000FrameStream();
  private badMessages = 0;

  get stats(): R2000Stats {
    const s = this.frames.stats;
    return { ...s, frames: s.frames - this.badMessages, badLayout: s.badLayout + this.badMessages };
  }

  push(chunk: Uint8Array): R2000Message[] {
    const out: R2000Message[] = [];
    for (const f of this.frames.push(chunk)) {
      const m = decodeR2000Frame(f);
      if (m) out.push(m);
      else this.badMessages++;
    }
    return out;
  }

  flush(): void {
    this.frames.flush();
  }

  reset(): void {
    this.frames.reset();
  }
}

/** Host → reader: run `repeat` real-time inventory rounds (0xFF: until told otherwise, on most firmware). */
export function encodeRealtimeInventory(address = R2000_BROADCAST, repeat = 1): Uint8Array {
  return encodeR2000Frame(address, R2000_CMD.realTimeInventory, [repeat & 0xff]);
}

export interface TagReportInput {
  epc: string;
  /** dBm, −129..126 (default −60). */
  rssi?: number;
  /** 1–4 (default 1). */
  antenna?: number;
  frequencyIndex?: number;
  address?: number;
}

/** Reader → host tag report, for simulators and tests. */
export function encodeTagReport(t: TagReportInput): Uint8Array {
  if (!/^([0-9a-fA-F]{4}){1,31}$/.test(t.epc)) throw new RangeError(`EPC must be 1–31 words of hex, got ${JSON.stringify(t.epc)}`);
  const epc = Buffer.from(t.epc, 'hex');
  const antenna = t.antenna ?? 1;
  if (!Number.isInteger(antenna) || antenna < 1 || antenna > 4) throw new RangeError(`antenna must be 1–4, got ${antenna}`);
  const raw = (t.rssi ?? -60) + RSSI_OFFSET;
  if (!Number.isInteger(raw) || raw < 0 || raw > 0xff) throw new RangeError(`rssi out of range: ${t.rssi}`);
  const freqAnt = (((t.frequencyIndex ?? 0) & 0x3f) << 2) | (antenna - 1);
  const pc = (epc.length / 2) << 11; // EPC length in words; UMI/XI clear
  return encodeR2000Frame(t.address ?? 1, R2000_CMD.realTimeInventory, [freqAnt, pc >> 8, pc & 0xff, ...epc, raw]);
}

/** Reader → host end of an inventory round. */
export function encodeInventoryEnd(o: { address?: number; antenna?: number; readRate?: number; totalRead?: number } = {}): Uint8Array {
  const d = new Uint8Array(7);
  const v = new DataView(d.buffer);
  d[0] = (o.antenna ?? 1) - 1;
  v.setUint16(1, o.readRate ?? 0);
  v.setUint32(3, o.totalRead ?? 0);
  return encodeR2000Frame(o.address ?? 1, R2000_CMD.realTimeInventory, d);
}
