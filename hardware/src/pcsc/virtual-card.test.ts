import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MIFARE_CLASSIC_ATR, VirtualCard, VpcdFramer, respondToApdu, vpcdMessage } from './virtual-card.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('vpcd framing', () => {
  it('splits length-prefixed messages across and within chunks', () => {
    const f = new VpcdFramer();
    const wire = Buffer.concat([vpcdMessage(Uint8Array.of(0x04)), vpcdMessage(Uint8Array.of(0xff, 0xca, 0, 0, 0))]);
    expect(f.push(wire.subarray(0, 2))).toEqual([]);
    expect(f.push(wire.subarray(2, 5)).map(hex)).toEqual(['04']);
    expect(f.push(wire.subarray(5)).map(hex)).toEqual(['ffca000000']);
  });

  it('answers GET DATA (UID) with the UID and 90 00, anything else with 6A 81', () => {
    const uid = Uint8Array.of(0x04, 0xa1, 0xb2, 0xc3);
    expect(hex(respondToApdu(Uint8Array.of(0xff, 0xca, 0, 0, 0), uid))).toBe('04a1b2c39000');
    expect(hex(respondToApdu(Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x00), uid))).toBe('6a81');
  });

  it('presents an ATR nfc-pcsc takes for ISO 14443-3 (byte 5 is 0x4F)', () => {
    expect(MIFARE_CLASSIC_ATR[5]).toBe(0x4f);
    expect(MIFARE_CLASSIC_ATR.length).toBe(20);
  });
});

describe('VirtualCard against a stand-in vpcd', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = null;
  });

  /** Plays vpcd: on connect it powers the card on, asks for the ATR, then sends one APDU. */
  async function fakeVpcd(): Promise<{ port: number; replies: Promise<string[]>; closed: Promise<void> }> {
    let resolveReplies: (r: string[]) => void = () => undefined;
    let resolveClosed: () => void = () => undefined;
    const replies = new Promise<string[]>((r) => (resolveReplies = r));
    const closed = new Promise<void>((r) => (resolveClosed = r));
    server = createServer((s: Socket) => {
      const framer = new VpcdFramer();
      const got: string[] = [];
      s.on('data', (chunk) => {
        for (const m of framer.push(chunk)) got.push(hex(m));
        if (got.length === 2) resolveReplies(got);
      });
      s.on('close', () => resolveClosed());
      s.write(Buffer.concat([vpcdMessage(Uint8Array.of(0x01)), vpcdMessage(Uint8Array.of(0x04)), vpcdMessage(Uint8Array.of(0xff, 0xca, 0, 0, 0))]));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    return { port: address.port, replies, closed };
  }

  it('replies ATR and UID, and closing the socket removes the card', async () => {
    const vpcd = await fakeVpcd();
    const card = new VirtualCard({ slot: vpcd.port - 35963 });
    await card.insert('04A1B2C3');
    expect(card.inserted).toBe(true);
    await expect(vpcd.replies).resolves.toEqual([hex(MIFARE_CLASSIC_ATR), '04a1b2c39000']);
    expect(card.apdus.map(hex)).toEqual(['ffca000000']);
    await card.remove();
    await vpcd.closed;
    expect(card.inserted).toBe(false);
  });

  it('refuses a bad UID and reports an unreachable vpcd', async () => {
    const card = new VirtualCard({ slot: 1 });
    await expect(card.insert('xyz')).rejects.toThrow(RangeError);
    const nowhere = new VirtualCard({ host: '127.0.0.1', slot: 65535 - 35963 });
    await expect(nowhere.insert('01020304')).rejects.toThrow(/cannot reach vpcd/);
  });
});
