import express from 'express';
import type { AppContext } from '../context.js';
import { authenticate } from './auth.js';
import { correlationId, errorHandler, notFoundHandler } from './errors.js';
import { anomalyRoutes } from './routes/anomalies.js';
import { loginRoutes, sessionRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { openApiRoutes } from './routes/openapi.js';
import { reconciliationRoutes } from './routes/reconciliation.js';
import { registryRoutes } from './routes/registry/index.js';
import { securityEventRoutes } from './routes/security-events.js';
import { stationDeviceRoutes } from './routes/station-device.js';
import { stationEventRoutes } from './routes/station-events.js';
import { ticketRoutes } from './routes/tickets.js';

/**
 * The HTTP application. Route modules are thin: they validate, call a service,
 * map the result. Device ingestion parses its own raw body (it must hash the
 * exact bytes), so it is mounted before the JSON parser.
 */
export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple'); // no nested objects from ?a[b]=c
  app.use(correlationId);
  app.use(healthRoutes(ctx));
  const station = stationDeviceRoutes(ctx);

  // Routes authenticated per device (raw body, signed request).
  // [device routes]
  app.use(ingestRoutes(ctx));
  app.use(station.device);

  app.use(express.json({ limit: `${ctx.config.BODY_LIMIT_KB}kb`, strict: true, type: ['application/json', 'application/*+json'] }));

  // Public routes (no session).
  // [public routes]
  app.use('/api/v1/auth', loginRoutes(ctx));
  app.use(station.public);
  app.use(openApiRoutes(process.env.npm_package_version ?? '0.1.0'));
  // The root page: plain files, no build step. Scripts only from this origin; sockets back to it.
  app.use(express.static(`${import.meta.dirname}/../public`, { index: 'index.html', setHeaders: (res) => res.set('Content-Security-Policy', "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'") }));

  // Everything below needs a logged-in person.
  app.use('/api/v1', authenticate(ctx));
  // [user routes]
  app.use('/api/v1/auth', sessionRoutes(ctx));
  app.use('/api/v1', registryRoutes(ctx));
  app.use('/api/v1', ticketRoutes(ctx));
  app.use('/api/v1', securityEventRoutes(ctx));
  app.use('/api/v1', station.admin);
  app.use('/api/v1', stationEventRoutes(ctx));
  app.use('/api/v1', anomalyRoutes(ctx));
  app.use('/api/v1', reconciliationRoutes(ctx));

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.log));
  return app;
}
