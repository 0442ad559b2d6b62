-- A route may set its own tonnage tolerance: the share of planned tonnes a run may fall
-- short before it is SHORT. NULL = the deployment's rule (routeKgTolerance, default 0.2).
ALTER TABLE "collection_route"
  ADD COLUMN "kg_tolerance" DOUBLE PRECISION,
  ADD CONSTRAINT "collection_route_kg_tolerance_share" CHECK ("kg_tolerance" IS NULL OR ("kg_tolerance" >= 0 AND "kg_tolerance" <= 1));

-- Each run keeps what it was judged by, so a later change of rule or route does not
-- rewrite how a past run reads: the tolerance, where it came from, the tonnes it allowed,
-- and the trips it missed (counted once the run is judged).
ALTER TABLE "recon_route_run"
  ADD COLUMN "kg_tolerance" DOUBLE PRECISION NOT NULL DEFAULT 0.2,
  ADD COLUMN "kg_tolerance_source" TEXT NOT NULL DEFAULT 'RULE',
  ADD COLUMN "min_kg" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "missed_trips" INTEGER NOT NULL DEFAULT 0;

-- Runs stored before this migration were judged by the built-in rule (no deployment could
-- override it, no route had its own): fill in what that rule allowed.
UPDATE "recon_route_run"
   SET "min_kg" = round("planned_kg" * 0.8)::int,
       "missed_trips" = CASE WHEN "status" IN ('SHORT', 'MISSED') THEN greatest(0, "planned_trips" - "trips") ELSE 0 END;

ALTER TABLE "recon_route_run"
  ALTER COLUMN "kg_tolerance" DROP DEFAULT,
  ALTER COLUMN "kg_tolerance_source" DROP DEFAULT,
  ALTER COLUMN "min_kg" DROP DEFAULT,
  ALTER COLUMN "missed_trips" DROP DEFAULT,
  ADD CONSTRAINT "recon_route_run_kg_tolerance_share" CHECK ("kg_tolerance" >= 0 AND "kg_tolerance" <= 1),
  ADD CONSTRAINT "recon_route_run_kg_tolerance_source" CHECK ("kg_tolerance_source" IN ('ROUTE', 'RULE')),
  ADD CONSTRAINT "recon_route_run_min_kg" CHECK ("min_kg" >= 0 AND "min_kg" <= "planned_kg"),
  ADD CONSTRAINT "recon_route_run_missed_trips" CHECK ("missed_trips" >= 0 AND "missed_trips" <= "planned_trips");
