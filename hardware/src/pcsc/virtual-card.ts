/**
 * A virtual contactless card for vsmartcard's vpcd driver (PROTOCOLS.md,
 * "Testing cards without hardware"). vpcd listens on TCP 35963 + slot; a card
 * is a TCP client of it. Every message, both ways, is a 2-byte big-endian
 * length and a payload. A 1-byte payload is a control code; anything longer is
 * a C-APDU that gets an R-APDU back. Connecting is inserting the card, closing
 * the socket is removing it.
 */
import { connect, type Socket } from 'node:net';

export const VPCD_BASE_PORT = 35963;

/** vpcd control codes (vsmartcard vpcd.h). */
export const VPCD_CTRL = { off: 0x00, on: 0x01, reset: 0x02, atr: 0x04 } as const;

/**
 * MIFARE Classic 1K as a PC/SC contactless reader reports it (PC/SC part 3
 * storage-card ATR). Byte 5 is 0x4F, which makes nfc-pcsc treat the card as
 * ISO 14443-3 and ask for the UID with `FF CA 00 00 00`.
 */
export const MIFARE_CLASSIC_ATR = Uint8Array.from([
  0x3b, 0x8f, 0x80, 0x01, 0x80, 0x4f, 0x0c, 0xa0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x6a,
]);

const SW_OK = [0x90, 0x00];
/** ISO 7816-4: "function not supported". */
const SW_NOT_SUPPORTED = Uint8Array.from([0x6a, 0x81]);
const GET_UID = [0xff, 0xca, 0x00, 0x00, 0x00];

export interface VirtualCardOptions {
  host?: string;
  /** vpcd reader slot: 0 is "Virtual PCD 00 00" on port 35963. */
  slot?: number;
  atr?: Uint8Array;
  /** Give up connecting after this long (default 5 s). */
  connectTimeoutMs?: number;
}

/** The card's answer to one C-APDU: the UID for PC/SC GET DATA (UID), else 6A 81. */
export function respondToApdu(apdu: Uint8Array, uid: Uint8Array): Uint8Array {
  const isGetUid = apdu.length === GET_UID.length && GET_UID.every((b, i) => apdu[i] === b);
  return isGetUid ? Uint8Array.from([...uid, ...SW_OK]) : SW_NOT_SUPPORTED;
}

/** Splits a vpcd byte stream into payloads; keeps a partial message for the next chunk. */
export class VpcdFramer {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    while (this.pending.length >= 2) {
      const len = this.pending.readUInt16BE(0);
      if (this.pending.length < 2 + len) break;
      out.push(this.pending.subarray(2, 2 + len));
      this.pending = this.pending.subarray(2 + len);
    }
    return out;
  }
}

export function vpcdMessage(payload: Uint8Array): Buffer {
  const out = Buffer.alloc(2 + payload.length);
  out.writeUInt16BE(payload.length, 0);
  out.set(payload, 2);
  return out;
}

function parseUid(uidHex: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2}){1,10}$/.test(uidHex)) throw new RangeError(`UID must be 1–10 bytes of hex, got ${JSON.stringify(uidHex)}`);
  return Uint8Array.from(Buffer.from(uidHex, 'hex'));
}

export class VirtualCard {
  private socket: Socket | null = null;
  private readonly host: string;
  private readonly port: number;
  private readonly atr: Uint8Array;
  private readonly connectTimeoutMs: number;
  /** APDUs received since the last insert(), for tests and debugging. */
  readonly apdus: Uint8Array[] = [];

  constructor(options: VirtualCardOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.port = VPCD_BASE_PORT + (options.slot ?? 0);
    this.atr = options.atr ?? MIFARE_CLASSIC_ATR;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  }

  get inserted(): boolean {
    return this.socket !== null;
  }

  /** Puts a card with this UID on the reader. Resolves once vpcd accepted the connection. */
  async insert(uidHex: string): Promise<void> {
    if (this.socket) throw new Error('a card is already inserted; remove() it first');
    const uid = parseUid(uidHex);
    this.apdus.length = 0;
    const socket = await this.open();
    this.socket = socket;
    const framer = new VpcdFramer();
    socket.on('data', (chunk: Buffer) => {
      for (const msg of framer.push(chunk)) this.answer(socket, msg, uid);
    });
    // The reader went away (pcscd stopped): the card is out.
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
    });
  }

  /** Takes the card off the reader. Resolves once the socket is closed. */
  async remove(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      // vpcd may not close its side promptly; do not wait for it.
      setTimeout(() => socket.destroy(), 200).unref();
    });
  }

  private open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`vpcd at ${this.host}:${this.port} did not accept within ${this.connectTimeoutMs} ms`));
      }, this.connectTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeListener('error', onError);
        socket.on('error', () => undefined); // 'close' follows; a dead reader is a removed card
        resolve(socket);
      });
      const onError = (err: Error): void => {
        clearTimeout(timer);
        reject(new Error(`cannot reach vpcd at ${this.host}:${this.port}: ${err.message}`));
      };
      socket.once('error', onError);
    });
  }

  private answer(socket: Socket, msg: Buffer, uid: Uint8Array): void {
    if (msg.length === 1) {
      // Power off/on/reset need no reply; only the ATR request does.
      if (msg[0] === VPCD_CTRL.atr) socket.write(vpcdMessage(this.atr));
      return;
    }
    this.apdus.push(Uint8Array.from(msg));
    socket.write(vpcdMessage(respondToApdu(msg, uid)));
  }
}
