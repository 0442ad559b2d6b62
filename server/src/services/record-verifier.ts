import { DeviceRecordPayload, NotCanonicalError, parseCanonical, type SignedRecord } from '@haulproof/contracts';
import { publicKeyFromBase64, sha256Hex, verifyBytes } from '@haulproof/contracts/signing';
import type { KeyObject } from 'node:crypto';
import type { SecurityEventKind } from '../repositories/security-event.repository.js';
import type { FieldError } from '../http/errors.js';
import { zodErrors } from '../http/errors.js';

export interface VerifiedRecord {
  payload: DeviceRecordPayload;
  canonical: Buffer; // exactly as received; never re-serialised
  signature: Buffer;
  hash: string;
}

export class RecordRejected extends Error {
  constructor(
    readonly status: number,
    readonly kind: SecurityEventKind,
    message: string,
    readonly seq: number | null,
    readonly errors?: FieldError[],
    /** Where the server's chain for this device ends, so an honest device can resume after losing its state. */
    readonly chainHead?: { seq: number; hash: string },
  ) {
    super(message);
  }
}

/**
 * Checks one signed record without touching the database: the signature over
 * the received bytes, that the bytes are canonical, the payload schema, and
 * that it claims to come from the device that sent it.
 */
export function verifyRecord(deviceCode: string, publicKey: KeyObject, wire: SignedRecord, index: number): VerifiedRecord {
  const canonical = Buffer.from(wire.canonical, 'base64');
  const signature = Buffer.from(wire.signature, 'base64');
  const where = `record #${index + 1}`;
  if (!verifyBytes(publicKey, canonical, signature)) {
    throw new RecordRejected(422, 'BAD_SIGNATURE', `${where}: signature does not verify against device ${deviceCode}'s key`, null);
  }
  let parsed: unknown;
  try {
    parsed = parseCanonical(canonical);
  } catch (err) {
    if (err instanceof NotCanonicalError) throw new RecordRejected(422, 'NOT_CANONICAL', `${where}: ${err.message}`, null);
    throw err;
  }
  const claimedSeq = typeof (parsed as { seq?: unknown })?.seq === 'number' ? (parsed as { seq: number }).seq : null;
  const result = DeviceRecordPayload.safeParse(parsed);
  if (!result.success) {
    throw new RecordRejected(422, 'INVALID_RECORD', `${where}: the signed record is not a valid v1 record`, claimedSeq, zodErrors(result.error));
  }
  if (result.data.device !== deviceCode) {
    throw new RecordRejected(422, 'DEVICE_MISMATCH', `${where}: signed for device ${result.data.device}, sent by ${deviceCode}`, result.data.seq);
  }
  return { payload: result.data, canonical, signature, hash: sha256Hex(canonical) };
}

const keyCache = new Map<string, KeyObject>();
export function devicePublicKey(raw: string): KeyObject {
  let key = keyCache.get(raw);
  if (!key) {
    key = publicKeyFromBase64(raw);
    keyCache.set(raw, key);
  }
  return key;
}
