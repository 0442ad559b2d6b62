import express, { Router } from 'express';
import { IngestBatch } from '@haulproof/contracts';
import type { AppContext } from '../../context.js';
import type { DeviceRow } from '../../repositories/ledger.repository.js';
import { LedgerRepository } from '../../repositories/ledger.repository.js';
import { SecurityEventRepository } from '../../repositories/security-event.repository.js';
import { StationEventRepository } from '../../repositories/station-event.repository.js';
import { IngestService } from '../../services/ingest.service.js';
import { StationEventService } from '../../services/station-event.service.js';
import { authenticateDevice } from '../device-auth.js';
import { badRequest } from '../errors.js';
import { parse } from '../validate.js';

/** POST /api/v1/ingest/records — batches of signed records from station devices. */
export function ingestRoutes(ctx: AppContext): Router {
  const ledger = new LedgerRepository(ctx.db.pool);
  const security = new SecurityEventRepository(ctx.db.pool);
  const ingest = new IngestService(ledger, security, { maxFutureSeconds: ctx.config.TICKET_MAX_FUTURE_S });
  const stationEvents = new StationEventService(new StationEventRepository(ctx.db.pool), ctx.live);
  const r = Router();
  r.post(
    '/api/v1/ingest/records',
    express.raw({ type: () => true, limit: `${ctx.config.INGEST_BODY_LIMIT_KB}kb` }),
    authenticateDevice(ledger, security, ctx.config.DEVICE_CLOCK_SKEW_S),
    async (req, res) => {
      let json: unknown;
      try {
        json = JSON.parse((req.body as Buffer).toString('utf8'));
      } catch {
        throw badRequest('request body is not valid JSON');
      }
      const batch = parse(IngestBatch, json, 'ingest batch');
      const device = res.locals.device as DeviceRow;
      const outcome = await ingest.ingest(device, batch, req.ip ?? null);
      await ctx.tickets.announceAccepted(outcome.accepted.ticketIds, outcome.accepted.voidedTicketIds).catch((err) => ctx.log.warn({ err }, 'live announce failed'));
      await stationEvents.announce(outcome.accepted.stationEventIds).catch((err) => ctx.log.warn({ err }, 'live announce of station events failed'));
      if (outcome.rejected) {
        const e = outcome.rejected;
        res.status(e.status).json({ message: e.message, ...(e.errors ? { errors: e.errors } : {}), kind: e.kind, failedSeq: e.seq, ...(e.chainHead ? { chainHead: e.chainHead } : {}), results: outcome.results, correlationId: res.locals.correlationId });
        return;
      }
      res.json({ results: outcome.results });
    },
  );
  return r;
}
