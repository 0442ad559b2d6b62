import { Router } from 'express';
import { operations } from '../api-operations.js';
import { buildOpenApi } from '../openapi.js';

export function openApiRoutes(version: string): Router {
  const document = buildOpenApi(operations, version); // built once: the schemas do not change at run time
  const r = Router();
  r.get('/api/v1/openapi.json', (_req, res) => {
    res.json(document);
  });
  return r;
}
