-- Provenance stays visible in every total: a permit's used tonnes are split, like route runs,
-- into weighed, stored-tare, keyed and estimated kg (a counted ticket's provenance).
--
-- Rows stored before this migration cannot be split here exactly: which arrivals counted against a
-- permit depends on the engine's matching (a departure's permit carries to its arrival). They are
-- filled as weighed_kg = net_kg so the check holds; `npm run reconcile` recomputes them exactly.
-- The defaults only fill those rows; the engine always writes the columns.
ALTER TABLE "recon_permit_day"
  ADD COLUMN "weighed_kg" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "stored_tare_kg" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "keyed_kg" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "estimated_kg" INTEGER NOT NULL DEFAULT 0;
UPDATE "recon_permit_day" SET "weighed_kg" = "net_kg";
ALTER TABLE "recon_permit_day"
  ALTER COLUMN "weighed_kg" DROP DEFAULT,
  ALTER COLUMN "stored_tare_kg" DROP DEFAULT,
  ALTER COLUMN "keyed_kg" DROP DEFAULT,
  ALTER COLUMN "estimated_kg" DROP DEFAULT,
  ADD CONSTRAINT "recon_permit_day_provenance_adds_up" CHECK ("weighed_kg" >= 0 AND "stored_tare_kg" >= 0 AND "keyed_kg" >= 0 AND "estimated_kg" >= 0 AND "weighed_kg" + "stored_tare_kg" + "keyed_kg" + "estimated_kg" = "net_kg");
