/**
 * The parts of nfc-pcsc 0.8 (which ships no types) the card reader adapter
 * uses, so a fake can stand in for it in unit tests (STYLE.md item 3).
 */
export interface NfcCard {
  /** Lower-case hex, when the card gave one. */
  uid?: string;
  atr?: Uint8Array;
  standard?: string;
}

/** @pokusew/pcsclite CardReader: the PC/SC reader under an nfc-pcsc Reader. */
export interface PcscReaderLike {
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_STATE_EMPTY: number;
  on(event: 'status', listener: (status: { state: number; atr?: Uint8Array }) => void): unknown;
  close(): void;
}

/** nfc-pcsc Reader. */
export interface NfcReaderLike {
  readonly name: string;
  readonly reader?: PcscReaderLike;
  on(event: 'card' | 'card.off', listener: (card: NfcCard) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  close?(): void;
}

/** nfc-pcsc NFC. */
export interface NfcLike {
  on(event: 'reader', listener: (reader: NfcReaderLike) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  /** pcsclite's CardReaders by name. */
  readonly readers?: Record<string, { close(): void }>;
  close(): void;
}

export type CreateNfc = () => NfcLike;
