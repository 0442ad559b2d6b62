import { Router } from 'express';
import { EnrolInput } from '@haulproof/contracts';
import type { AppContext } from '../../context.js';
import { DeviceRegistryRepository } from '../../repositories/device-registry.repository.js';
import type { DeviceRow } from '../../repositories/ledger.repository.js';
import { LedgerRepository } from '../../repositories/ledger.repository.js';
import { SecurityEventRepository } from '../../repositories/security-event.repository.js';
import { StationDeviceRepository } from '../../repositories/station-device.repository.js';
import { DeviceRegistryService, ifNoneMatch } from '../../services/device-registry.service.js';
import { EnrolmentService } from '../../services/enrolment.service.js';
import { requireRole } from '../auth.js';
import { authenticateDevice } from '../device-auth.js';
import { parse, parseId } from '../validate.js';

/**
 * A station device's own routes, and the admin side of enrolment. Three routers, mounted where
 * their authentication lives (app.ts): `device` signed per request, `public` without a session,
 * `admin` behind a person's session.
 */
export function stationDeviceRoutes(ctx: Pick<AppContext, 'db' | 'live' | 'presence' | 'config'>): { device: Router; public: Router; admin: Router } {
  const security = new SecurityEventRepository(ctx.db.pool);
  const enrolment = new EnrolmentService(new StationDeviceRepository(ctx.db.pool), security, ctx.live, ctx.presence);
  const registry = new DeviceRegistryService(new DeviceRegistryRepository(ctx.db.pool));

  const device = Router();
  // A GET has no body: the signature covers the sha256 of zero bytes.
  device.get('/api/v1/device/registry', authenticateDevice(new LedgerRepository(ctx.db.pool), security, ctx.config.DEVICE_CLOCK_SKEW_S), async (req, res) => {
    const { snapshot, etag } = await registry.snapshot((res.locals.device as DeviceRow).id);
    res.set({ ETag: etag, 'Cache-Control': 'no-cache' });
    if (ifNoneMatch(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    res.json(snapshot);
  });

  const open = Router();
  open.post('/api/v1/device/enrol', async (req, res) => {
    res.json(await enrolment.enrol(parse(EnrolInput, req.body, 'enrolment'), req.ip ?? null));
  });

  const admin = Router();
  admin.post('/devices/:id/enrolment', requireRole('ADMIN'), async (req, res) => {
    res.status(201).json(await enrolment.issue(parseId(req.params.id, 'device id')));
  });
  return { device, public: open, admin };
}
