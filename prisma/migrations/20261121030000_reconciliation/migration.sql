-- Reconciliation: what the ledger's tickets add up to. Everything here except
-- the anomaly lifecycle is DERIVED: recomputed per service day from tickets
-- (ticket_effective) and the registry by server/src/reconciliation, and safe to
-- rebuild. No foreign keys to ledger or registry tables: rows are replaced a day
-- at a time and only ever carry ids the engine has just read.
--
-- anomaly_event is a ledger table: append-only, like ticket_event.

CREATE TYPE "anomaly_status" AS ENUM ('OPEN','ACKNOWLEDGED','RESOLVED');
CREATE TYPE "anomaly_event_kind" AS ENUM ('RAISED','UPDATED','CLEARED','REDETECTED','ACKNOWLEDGED','ASSIGNED','RESOLVED');
CREATE TYPE "custody_leg_status" AS ENUM ('DELIVERED','IN_TRANSIT','NO_ARRIVAL');

-- One row per service day the engine has computed. state_hash covers what the
-- next day reads from this one (transfer-station stock and mix): when it changes,
-- the next day is recomputed too.
CREATE TABLE "recon_day" (
  "service_day" DATE PRIMARY KEY,
  "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "as_of" TIMESTAMPTZ(3) NOT NULL,
  "closed" BOOLEAN NOT NULL,
  "ticket_count" INTEGER NOT NULL CHECK ("ticket_count" >= 0),
  "state_hash" TEXT NOT NULL CHECK ("state_hash" ~ '^[0-9a-f]{64}$')
);

-- Pre-aggregated tickets: site × day × stream × direction × provenance. Rollups read this, not tickets.
CREATE TABLE "recon_site_day" (
  "service_day" DATE NOT NULL,
  "site_id" UUID NOT NULL,
  "stream_code" TEXT NOT NULL,
  "direction" "direction" NOT NULL,
  "provenance" TEXT NOT NULL CHECK ("provenance" IN ('WEIGHED','STORED_TARE','KEYED')),
  "district_id" UUID NOT NULL, -- the site's district
  "tickets" INTEGER NOT NULL CHECK ("tickets" > 0),
  "net_kg" INTEGER NOT NULL CHECK ("net_kg" >= 0),
  PRIMARY KEY ("service_day", "site_id", "stream_code", "direction", "provenance")
);
CREATE INDEX "recon_site_day_district_id_service_day_idx" ON "recon_site_day"("district_id", "service_day");

-- A collection route's run on one service day: plan against what was weighed.
CREATE TABLE "recon_route_run" (
  "route_id" UUID NOT NULL,
  "service_day" DATE NOT NULL,
  "district_id" UUID NOT NULL,
  "stream_code" TEXT NOT NULL,
  "destination_site_id" UUID NOT NULL,
  "scheduled" BOOLEAN NOT NULL,
  "planned_trips" INTEGER NOT NULL CHECK ("planned_trips" >= 0),
  "planned_kg" INTEGER NOT NULL CHECK ("planned_kg" >= 0),
  "trips" INTEGER NOT NULL CHECK ("trips" >= 0),
  "net_kg" INTEGER NOT NULL CHECK ("net_kg" >= 0),
  "weighed_kg" INTEGER NOT NULL,
  "stored_tare_kg" INTEGER NOT NULL,
  "keyed_kg" INTEGER NOT NULL,
  "unplanned_site_trips" INTEGER NOT NULL,
  "status" TEXT NOT NULL CHECK ("status" IN ('OPEN','COMPLETE','SHORT','MISSED','UNSCHEDULED')),
  PRIMARY KEY ("route_id", "service_day"),
  CONSTRAINT "recon_route_run_provenance_adds_up" CHECK ("weighed_kg" + "stored_tare_kg" + "keyed_kg" = "net_kg")
);
CREATE INDEX "recon_route_run_service_day_idx" ON "recon_route_run"("service_day");

-- Which run each collection ticket counted towards, and why.
CREATE TABLE "recon_run_ticket" (
  "ticket_id" UUID PRIMARY KEY,
  "route_id" UUID NOT NULL,
  "service_day" DATE NOT NULL,
  "matched_by" TEXT NOT NULL CHECK ("matched_by" IN ('DECLARED','VEHICLE'))
);
CREATE INDEX "recon_run_ticket_route_id_service_day_idx" ON "recon_run_ticket"("route_id", "service_day");
CREATE INDEX "recon_run_ticket_service_day_idx" ON "recon_run_ticket"("service_day");

-- One outbound weighing and the inbound weighing it was matched to (or not).
CREATE TABLE "recon_custody_leg" (
  "out_ticket_id" UUID PRIMARY KEY,
  "service_day" DATE NOT NULL,
  "vehicle_id" UUID NOT NULL,
  "from_site_id" UUID NOT NULL,
  "stream_code" TEXT NOT NULL,
  "out_kg" INTEGER NOT NULL,
  "departed_at" TIMESTAMPTZ(3) NOT NULL,
  "deadline_at" TIMESTAMPTZ(3) NOT NULL,
  "status" "custody_leg_status" NOT NULL,
  "in_ticket_id" UUID,
  "to_site_id" UUID,
  "in_kg" INTEGER,
  "arrived_at" TIMESTAMPTZ(3),
  "explanation" JSONB NOT NULL,
  CONSTRAINT "recon_custody_leg_arrival_whole" CHECK (("status" = 'DELIVERED') = ("in_ticket_id" IS NOT NULL) AND ("in_ticket_id" IS NULL) = ("to_site_id" IS NULL) AND ("in_ticket_id" IS NULL) = ("in_kg" IS NULL) AND ("in_ticket_id" IS NULL) = ("arrived_at" IS NULL))
);
CREATE INDEX "recon_custody_leg_service_day_idx" ON "recon_custody_leg"("service_day");
CREATE INDEX "recon_custody_leg_in_ticket_id_idx" ON "recon_custody_leg"("in_ticket_id");
CREATE INDEX "recon_custody_leg_status_deadline_at_idx" ON "recon_custody_leg"("status", "deadline_at");

-- Transfer-station mass balance per day × stream. Stock is an interval: inbound
-- minus outbound, less between none and all of the loss allowance.
CREATE TABLE "recon_station_balance" (
  "site_id" UUID NOT NULL,
  "service_day" DATE NOT NULL,
  "stream_code" TEXT NOT NULL,
  "opening_min_kg" INTEGER NOT NULL,
  "opening_max_kg" INTEGER NOT NULL,
  "in_kg" INTEGER NOT NULL,
  "out_kg" INTEGER NOT NULL,
  "loss_allowance_kg" INTEGER NOT NULL,
  "closing_min_kg" INTEGER NOT NULL,
  "closing_max_kg" INTEGER NOT NULL,
  "carried_min_kg" INTEGER NOT NULL,
  "carried_max_kg" INTEGER NOT NULL,
  "tolerance_kg" INTEGER NOT NULL,
  "imbalance_kg" INTEGER NOT NULL, -- 0, or how far the stock interval lies outside what a station can hold
  "provenance" JSONB NOT NULL, -- kg in and out by provenance
  "mix" JSONB NOT NULL, -- district → kg available today (carried stock + inbound): the weights for attribution
  "closing_mix" JSONB NOT NULL, -- district → kg carried to tomorrow
  PRIMARY KEY ("site_id", "service_day", "stream_code"),
  CONSTRAINT "recon_station_balance_intervals" CHECK ("opening_min_kg" <= "opening_max_kg" AND "closing_min_kg" <= "closing_max_kg" AND "carried_min_kg" <= "carried_max_kg")
);
CREATE INDEX "recon_station_balance_service_day_idx" ON "recon_station_balance"("service_day");

-- District figures. COLLECTED: what a district's routes delivered, where first weighed.
-- DISPOSED: what final plants received, attributed back to districts (docs/attribution.md).
-- district_id NULL: not attributable to a district (the row says why in `basis`).
CREATE TABLE "recon_district_day" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "service_day" DATE NOT NULL,
  "measure" TEXT NOT NULL CHECK ("measure" IN ('COLLECTED','DISPOSED')),
  "district_id" UUID,
  "site_id" UUID NOT NULL,
  "stream_code" TEXT NOT NULL,
  "provenance" TEXT NOT NULL CHECK ("provenance" IN ('WEIGHED','STORED_TARE','KEYED')),
  "basis" TEXT NOT NULL CHECK ("basis" IN ('ROUTE','STATION_MIX','PERMIT','ORIGIN','CARRIER','NONE')),
  "kg" INTEGER NOT NULL CHECK ("kg" >= 0)
);
CREATE INDEX "recon_district_day_service_day_idx" ON "recon_district_day"("service_day");
CREATE INDEX "recon_district_day_district_id_service_day_idx" ON "recon_district_day"("district_id", "service_day");

-- Trips and tonnes counted against each construction-waste permit, per day.
CREATE TABLE "recon_permit_day" (
  "permit_id" UUID NOT NULL,
  "service_day" DATE NOT NULL,
  "trips" INTEGER NOT NULL CHECK ("trips" > 0),
  "net_kg" INTEGER NOT NULL CHECK ("net_kg" >= 0),
  PRIMARY KEY ("permit_id", "service_day")
);
CREATE INDEX "recon_permit_day_service_day_idx" ON "recon_permit_day"("service_day");

-- ───────── anomalies ─────────
-- One row per finding, found again by its natural key, so it is never raised twice.
-- `active` is the engine's view (does the condition still hold?); `status` is the people's.
CREATE TABLE "anomaly" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "natural_key" TEXT NOT NULL UNIQUE CHECK (length("natural_key") BETWEEN 8 AND 200),
  "kind" TEXT NOT NULL CHECK ("kind" ~ '^[A-Z_]{3,48}$'),
  "service_day" DATE NOT NULL,
  "site_id" UUID,
  "district_id" UUID,
  "carrier_id" UUID,
  "vehicle_id" UUID,
  "route_id" UUID,
  "permit_id" UUID,
  "stream_code" TEXT,
  "summary" TEXT NOT NULL CHECK (length("summary") > 0),
  "details" JSONB NOT NULL,
  "status" "anomaly_status" NOT NULL DEFAULT 'OPEN',
  "active" BOOLEAN NOT NULL DEFAULT true,
  "assignee_user_id" UUID,
  "raised_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "anomaly_service_day_idx" ON "anomaly"("service_day");
CREATE INDEX "anomaly_district_id_service_day_idx" ON "anomaly"("district_id", "service_day");
CREATE INDEX "anomaly_site_id_service_day_idx" ON "anomaly"("site_id", "service_day");
CREATE INDEX "anomaly_status_service_day_idx" ON "anomaly"("status", "service_day");

-- The tickets that are an anomaly's evidence (replaced when a recomputation changes them; each change is an UPDATED event).
CREATE TABLE "anomaly_ticket" (
  "anomaly_id" UUID NOT NULL REFERENCES "anomaly"("id"),
  "ticket_id" UUID NOT NULL,
  PRIMARY KEY ("anomaly_id", "ticket_id")
);
CREATE INDEX "anomaly_ticket_ticket_id_idx" ON "anomaly_ticket"("ticket_id");

-- Every change to an anomaly, by the engine or a person. Append-only.
CREATE TABLE "anomaly_event" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "anomaly_id" UUID NOT NULL REFERENCES "anomaly"("id"),
  "kind" "anomaly_event_kind" NOT NULL,
  "actor_user_id" UUID, -- NULL: the reconciliation engine
  "note" TEXT,
  "details" JSONB,
  "at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "anomaly_event_resolve_has_note" CHECK ("kind" <> 'RESOLVED' OR length(btrim(coalesce("note", ''))) >= 3),
  CONSTRAINT "anomaly_event_people_act" CHECK ("kind" NOT IN ('ACKNOWLEDGED','ASSIGNED','RESOLVED') OR "actor_user_id" IS NOT NULL)
);
CREATE INDEX "anomaly_event_anomaly_id_at_idx" ON "anomaly_event"("anomaly_id", "at");

CREATE TRIGGER "anomaly_event_no_rewrite" BEFORE UPDATE OR DELETE ON "anomaly_event" FOR EACH ROW EXECUTE FUNCTION haulproof_refuse_change();
CREATE TRIGGER "anomaly_event_no_truncate" BEFORE TRUNCATE ON "anomaly_event" FOR EACH STATEMENT EXECUTE FUNCTION haulproof_refuse_change();

-- Grants: a table is a ledger table when it carries the refusal trigger. Deciding
-- it from the triggers, not a list, lets every migration add ledger tables without
-- editing this function again.
CREATE OR REPLACE FUNCTION haulproof_apply_grants() RETURNS void LANGUAGE plpgsql AS $$
DECLARE t TEXT;
BEGIN
  EXECUTE 'GRANT USAGE ON SCHEMA public TO haulproof_app';
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' LOOP
    IF EXISTS (
      SELECT 1 FROM pg_trigger tg
        JOIN pg_class c ON c.oid = tg.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        JOIN pg_proc p ON p.oid = tg.tgfoid
       WHERE c.relname = t AND p.proname = 'haulproof_refuse_change' AND NOT tg.tgisinternal
    ) THEN
      EXECUTE format('REVOKE ALL ON %I FROM haulproof_app', t);
      EXECUTE format('GRANT SELECT, INSERT ON %I TO haulproof_app', t);
    ELSE
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO haulproof_app', t);
    END IF;
  END LOOP;
  EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO haulproof_app';
END $$;

SELECT haulproof_apply_grants();
