// One constructor for findings, so every kind carries the same scope fields.
// Natural keys: <KIND>:<ticket id> for a weighing, <KIND>:<out ticket id> for a leg,
// <KIND>:<route id>:<day> for a run, <KIND>:<site id>:<stream>:<day> for a balance,
// <KIND>:<site id>:<day> for capacity, <KIND>:<card uid>:<day> for a card (integrity.ts).
// A key names exactly one service day.
import type { AnomalyKind, StreamCode } from '@haulproof/contracts';
import type { AnomalyCandidate, Day } from './types.js';

export interface AnomalyScope {
  serviceDay: Day;
  siteId: string | null;
  districtId: string | null;
  carrierId: string | null;
  vehicleId: string | null;
  routeId: string | null;
  permitId: string | null;
  stream: StreamCode | null;
}

export function anomaly(kind: AnomalyKind, key: string, scope: AnomalyScope, summary: string, details: Record<string, unknown>, evidence: string[]): AnomalyCandidate {
  if (!key.startsWith(`${kind}:`)) throw new Error(`anomaly key ${key} must start with its kind ${kind}`);
  return { key, kind, ...scope, summary, details, evidence: [...new Set(evidence)].sort() };
}
