import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EnrolInput, EnrolmentToken, EnrolResult } from '@haulproof/contracts';
import { AppError, conflict, notFound, unauthorized } from '../http/errors.js';
import { deviceStatusEvent, type DevicePresence } from '../live/device-presence.js';
import type { LivePublisher } from '../live/publisher.js';
import type { SecurityEventRepository } from '../repositories/security-event.repository.js';
import type { EnrolmentState, StationDeviceRepository } from '../repositories/station-device.repository.js';
import { LoginThrottle } from './auth.service.js';

export const ENROL_TOKEN_TTL_MS = 7 * 24 * 3600_000;
const WRONG_TOKEN = 'wrong or already used enrolment token for this device code; ask an admin for a new token';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
// Both are sha256 hex (the column's CHECK guarantees it), so the buffers are always 32 bytes.
const sameHash = (a: string, b: string) => timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));

/**
 * Enrolment: an admin creates a device (PENDING) and asks for a one-time token; the station agent
 * generates its ed25519 key and sends the public half with the token. The server keeps only the
 * token's sha256; a token is spent by its first successful use and expires after 7 days.
 * Failures are security events and are throttled per device code.
 */
export class EnrolmentService {
  constructor(
    private readonly devices: StationDeviceRepository,
    private readonly security: SecurityEventRepository,
    private readonly live: Pick<LivePublisher, 'publish'>,
    private readonly presence: Pick<DevicePresence, 'of'>,
    private readonly throttle = new LoginThrottle(5, 15 * 60_000),
  ) {}

  async issue(deviceId: string): Promise<EnrolmentToken> {
    const d = await this.devices.enrolmentById(deviceId);
    if (!d) throw notFound(`no device ${deviceId}`);
    refuseIfEnrolled(d);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + ENROL_TOKEN_TTL_MS);
    if (!(await this.devices.setEnrolToken(d.id, sha256(token), expiresAt))) throw conflict(`device ${d.code} was enrolled or changed meanwhile; reload it`);
    return { deviceId: d.id, code: d.code, token, expiresAt: expiresAt.toISOString() };
  }

  async enrol(input: EnrolInput, remoteAddr: string | null): Promise<EnrolResult> {
    const wait = this.throttle.retryAfterMs(input.code);
    if (wait > 0) {
      const retryAfterS = Math.ceil(wait / 1000);
      throw new AppError(429, `too many failed enrolments for device ${input.code}; try again in ${Math.ceil(retryAfterS / 60)} min`, undefined, { retryAfterS });
    }
    const fail = async (reason: string, deviceId: string | null, message = WRONG_TOKEN) => {
      this.throttle.fail(input.code);
      await this.security.record({ kind: 'DEVICE_AUTH_FAILED', deviceId, reason, remoteAddr, details: { path: '/api/v1/device/enrol', code: input.code } });
      return unauthorized(message);
    };
    const d = await this.devices.enrolmentByCode(input.code);
    if (!d) throw await fail(`enrolment for unknown device ${input.code}`, null);
    const presented = sha256(input.token);
    if (!d.tokenHash) throw await fail(`enrolment of ${d.code} without an outstanding token (never issued, or already used)`, d.id);
    if (!sameHash(d.tokenHash, presented)) throw await fail(`enrolment of ${d.code} with a wrong token`, d.id);
    if (d.tokenExpiresAt && d.tokenExpiresAt.getTime() <= Date.now()) {
      throw await fail(`enrolment of ${d.code} with a token that expired at ${d.tokenExpiresAt.toISOString()}`, d.id, `this enrolment token expired at ${d.tokenExpiresAt.toISOString()}; ask an admin for a new one`);
    }
    refuseIfEnrolled(d);
    const row = await this.devices.enrol(d.id, presented, input.publicKey, input.softwareVersion);
    if (!row) throw conflict(`device ${d.code} was enrolled or changed meanwhile`);
    this.throttle.clear(input.code);
    this.live.publish('device.status', deviceStatusEvent(row, this.presence), { siteId: row.siteId, districtId: row.districtId });
    return { deviceId: row.id, code: row.code, siteCode: row.siteCode, status: row.status };
  }
}

// A key that has signed records must stay the key that verifies them (see DeviceService.update).
function refuseIfEnrolled(d: EnrolmentState): void {
  if (d.publicKey !== null || d.hasRecords) throw conflict(`device ${d.code} already has a key${d.hasRecords ? ' and signed records' : ''}; retire it and create a new device to enrol another PC`);
  if (d.status !== 'PENDING') throw conflict(`device ${d.code} is ${d.status}; only a PENDING device can be enrolled`);
}
