-- A ticket as it stands after its ledger events: the row itself never changes,
-- so voids and corrections are applied here, on read. Later corrections of the
-- same field win (ordered by event time, then id).
CREATE VIEW "ticket_effective" AS
SELECT
  t."id", t."record_id", t."device_id", t."seq", t."site_id", t."scale_id",
  COALESCE((c.changes->>'vehicleId')::uuid, t."vehicle_id") AS "vehicle_id",
  t."card_id", t."plate_seen",
  COALESCE(c.changes->>'stream', t."stream_code") AS "stream_code",
  t."direction", t."gross_kg", t."tare_kg", t."net_kg", t."gross_source", t."tare_source",
  t."first_weighed_at", t."second_weighed_at", t."weighed_at", t."received_at",
  CASE WHEN c.changes ? 'routeId' THEN (c.changes->>'routeId')::uuid ELSE t."route_id" END AS "route_id",
  CASE WHEN c.changes ? 'permitId' THEN (c.changes->>'permitId')::uuid ELSE t."permit_id" END AS "permit_id",
  CASE WHEN c.changes ? 'originSiteId' THEN (c.changes->>'originSiteId')::uuid ELSE t."origin_site_id" END AS "origin_site_id",
  t."operator", t."flags", t."software_version",
  CASE
    WHEN t."gross_source" = 'KEYED' OR t."tare_source" = 'KEYED' THEN 'KEYED'
    WHEN t."tare_source" = 'STORED' THEN 'STORED_TARE'
    ELSE 'WEIGHED'
  END AS "provenance",
  (v."ticket_id" IS NOT NULL) AS "voided",
  (c.changes IS NOT NULL) AS "corrected"
FROM "ticket" t
LEFT JOIN LATERAL (
  SELECT jsonb_object_agg(kv.key, kv.value ORDER BY e."at", e."id") AS changes
  FROM "ticket_event" e, jsonb_each(e."changes") kv
  WHERE e."ticket_id" = t."id" AND e."kind" = 'CORRECTION'
) c ON true
LEFT JOIN LATERAL (
  SELECT e."ticket_id" FROM "ticket_event" e WHERE e."ticket_id" = t."id" AND e."kind" = 'VOID' LIMIT 1
) v ON true;

GRANT SELECT ON "ticket_effective" TO haulproof_app;

-- A ticket is voided at most once, even when two people void it at the same moment.
-- (Partial index: Prisma's schema language cannot express it; the drift test knows it by name.)
CREATE UNIQUE INDEX "ticket_event_one_void_per_ticket" ON "ticket_event"("ticket_id") WHERE "kind" = 'VOID';

-- Replays look records up by id to return the original result.
CREATE INDEX "ticket_event_record_id_idx" ON "ticket_event"("record_id");
