import type { RequestHandler } from 'express';
import { deviceRequestMessage } from '@haulproof/contracts/signing';
import { verifyBytes } from '@haulproof/contracts/signing';
import type { LedgerRepository } from '../repositories/ledger.repository.js';
import type { SecurityEventRepository } from '../repositories/security-event.repository.js';
import { devicePublicKey } from '../services/record-verifier.js';
import { AppError, unauthorized } from './errors.js';

const HEADER = /^Haulproof-Device device="([A-Z0-9_-]{2,48})", ts="([0-9T:.Z-]{20,30})", sig="([A-Za-z0-9+/]{86}==)"$/;

/**
 * Authenticates a station device: the request is signed with the device's
 * ed25519 key over method, path, time and the body's sha256. Needs the raw
 * body (mount after express.raw). Failures are recorded as security events.
 */
export function authenticateDevice(ledger: LedgerRepository, security: SecurityEventRepository, maxSkewSeconds: number): RequestHandler {
  return async (req, res, next) => {
    const remoteAddr = req.ip ?? null;
    const fail = async (message: string, deviceId: string | null, status = 401) => {
      await security.record({ kind: 'DEVICE_AUTH_FAILED', deviceId, reason: message, remoteAddr, details: { path: req.path } });
      next(status === 401 ? unauthorized(message) : new AppError(status, message));
    };
    const m = HEADER.exec(req.get('authorization') ?? '');
    if (!m) return fail('device requests need Authorization: Haulproof-Device device="…", ts="…", sig="…"', null);
    const [, code, ts, sig] = m as unknown as [string, string, string, string];
    const device = await ledger.findDeviceByCode(code);
    if (!device || !device.publicKey) return fail(`unknown or unenrolled device ${code}`, device?.id ?? null);
    if (device.status !== 'ACTIVE') return fail(`device ${code} is ${device.status}; only ACTIVE devices may send`, device.id, 403);
    const skew = Math.abs(Date.now() - Date.parse(ts));
    if (!(skew <= maxSkewSeconds * 1000)) return fail(`request time ${ts} is more than ${maxSkewSeconds} s from server time; check the station clock`, device.id);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const message = deviceRequestMessage(req.method, req.originalUrl.split('?')[0]!, ts, body);
    if (!verifyBytes(devicePublicKey(device.publicKey), message, Buffer.from(sig, 'base64'))) {
      return fail(`request signature does not verify against device ${code}'s key`, device.id);
    }
    res.locals.device = device;
    next();
  };
}
