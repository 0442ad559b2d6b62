-- Estimated weights (估重): a load recorded while the lane's scale could not weigh, with a
-- weight the station computed from the vehicle's history (contracts/estimate.ts). ESTIMATED is
-- the weakest provenance: a ticket with any estimated part is ESTIMATED.
--
-- The runner applies each migration in one transaction (server/src/db/migrate.ts), and a value
-- added by ALTER TYPE … ADD VALUE cannot be used before that transaction commits. So nothing
-- below spells 'ESTIMATED' as a weight_source: the checks and the view compare the enum as text.
ALTER TYPE "weight_source" ADD VALUE 'ESTIMATED';

-- How the estimate was computed, copied from the signed ticket (the bytes in device_record stay
-- the evidence). Present exactly when the gross was estimated; a tare is estimated only with it.
ALTER TABLE "ticket" ADD COLUMN "estimate" JSONB;
ALTER TABLE "ticket" ADD CONSTRAINT "ticket_estimate_basis" CHECK ((("gross_source"::text = 'ESTIMATED') = ("estimate" IS NOT NULL)) AND ("estimate" IS NULL OR jsonb_typeof("estimate") = 'object'));
ALTER TABLE "ticket" ADD CONSTRAINT "ticket_estimated_tare_with_gross" CHECK ("tare_source"::text <> 'ESTIMATED' OR "gross_source"::text = 'ESTIMATED');

-- Provenance ranks weakest first: estimated, keyed, stored tare, weighed. Same columns as before,
-- with the estimate basis added at the end (CREATE OR REPLACE VIEW may only append).
CREATE OR REPLACE VIEW "ticket_effective" AS
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
    WHEN t."gross_source"::text = 'ESTIMATED' OR t."tare_source"::text = 'ESTIMATED' THEN 'ESTIMATED'
    WHEN t."gross_source"::text = 'KEYED' OR t."tare_source"::text = 'KEYED' THEN 'KEYED'
    WHEN t."tare_source"::text = 'STORED' THEN 'STORED_TARE'
    ELSE 'WEIGHED'
  END AS "provenance",
  (v."ticket_id" IS NOT NULL) AS "voided",
  (c.changes IS NOT NULL) AS "corrected",
  t."estimate"
FROM "ticket" t
LEFT JOIN LATERAL (
  SELECT jsonb_object_agg(kv.key, kv.value ORDER BY e."at", e."id") AS changes
  FROM "ticket_event" e, jsonb_each(e."changes") kv
  WHERE e."ticket_id" = t."id" AND e."kind" = 'CORRECTION'
) c ON true
LEFT JOIN LATERAL (
  SELECT e."ticket_id" FROM "ticket_event" e WHERE e."ticket_id" = t."id" AND e."kind" = 'VOID' LIMIT 1
) v ON true;

-- ───────── reconciliation: estimated tonnes are shown apart in every total ─────────
ALTER TABLE "recon_site_day" DROP CONSTRAINT "recon_site_day_provenance_check";
ALTER TABLE "recon_site_day" ADD CONSTRAINT "recon_site_day_provenance_check" CHECK ("provenance" IN ('WEIGHED','STORED_TARE','KEYED','ESTIMATED'));
ALTER TABLE "recon_district_day" DROP CONSTRAINT "recon_district_day_provenance_check";
ALTER TABLE "recon_district_day" ADD CONSTRAINT "recon_district_day_provenance_check" CHECK ("provenance" IN ('WEIGHED','STORED_TARE','KEYED','ESTIMATED'));

-- Runs computed before this migration held no estimated ticket: 0 is their true value. The
-- default only fills them; the engine always writes the column.
ALTER TABLE "recon_route_run" ADD COLUMN "estimated_kg" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "recon_route_run" ALTER COLUMN "estimated_kg" DROP DEFAULT;
ALTER TABLE "recon_route_run" DROP CONSTRAINT "recon_route_run_provenance_adds_up";
ALTER TABLE "recon_route_run" ADD CONSTRAINT "recon_route_run_provenance_adds_up" CHECK ("weighed_kg" + "stored_tare_kg" + "keyed_kg" + "estimated_kg" = "net_kg");
