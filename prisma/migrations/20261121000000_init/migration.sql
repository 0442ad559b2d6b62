-- Haulproof initial schema. Hand-written (Prisma's schema engine is not available
-- everywhere we build); test/schema-drift.test.ts keeps it equal to schema.prisma.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- ───────── enums ─────────
CREATE TYPE "site_kind" AS ENUM ('TRANSFER_STATION','INCINERATOR','KITCHEN_PLANT','CONSTRUCTION_PLANT','LANDFILL','RECYCLABLES_CENTRE','BULKY_STATION','HAZARDOUS_STORE','PROJECT_SITE');
CREATE TYPE "indicator_protocol" AS ENUM ('TOLEDO_CONTINUOUS','TOLEDO_8142','XK3190_TF0','XK3190_TF1','XK3190_TF2','A12','ST_GS','MT_SICS');
CREATE TYPE "serial_parity" AS ENUM ('none','even','odd');
CREATE TYPE "vehicle_status" AS ENUM ('ACTIVE','SUSPENDED','BANNED');
CREATE TYPE "card_status" AS ENUM ('ISSUED','LOST','REVOKED');
CREATE TYPE "device_status" AS ENUM ('PENDING','ACTIVE','SUSPENDED','RETIRED');
CREATE TYPE "user_role" AS ENUM ('ADMIN','OPERATOR','DISPATCHER','INSPECTOR');
CREATE TYPE "direction" AS ENUM ('IN','OUT');
CREATE TYPE "weight_source" AS ENUM ('WEIGHED','STORED','KEYED');
CREATE TYPE "ticket_event_kind" AS ENUM ('VOID','CORRECTION');
CREATE TYPE "period_kind" AS ENUM ('DAY','MONTH','QUARTER','YEAR');

-- ───────── registry ─────────
CREATE TABLE "waste_stream" (
  "code" TEXT PRIMARY KEY CHECK ("code" ~ '^[A-Z_]{2,32}$'),
  "name_zh" TEXT NOT NULL CHECK (length("name_zh") > 0),
  "name_en" TEXT NOT NULL CHECK (length("name_en") > 0),
  "household" BOOLEAN NOT NULL DEFAULT false,
  "sort_order" INTEGER NOT NULL
);

CREATE TABLE "district" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "code" TEXT NOT NULL UNIQUE CHECK ("code" ~ '^[A-Z0-9_-]{2,32}$'),
  "name_zh" TEXT NOT NULL CHECK (length("name_zh") > 0),
  "name_en" TEXT NOT NULL CHECK (length("name_en") > 0),
  "population" INTEGER NOT NULL CHECK ("population" > 0)
);

CREATE TABLE "site" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "code" TEXT NOT NULL UNIQUE CHECK ("code" ~ '^[A-Z0-9_-]{2,32}$'),
  "name_zh" TEXT NOT NULL CHECK (length("name_zh") > 0),
  "name_en" TEXT NOT NULL CHECK (length("name_en") > 0),
  "kind" "site_kind" NOT NULL,
  "district_id" UUID NOT NULL REFERENCES "district"("id"),
  "capacity_tpd" INTEGER NOT NULL CHECK ("capacity_tpd" >= 0 AND "capacity_tpd" <= 100000),
  "timezone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
  "latitude" DECIMAL(9,6) CHECK ("latitude" BETWEEN -90 AND 90),
  "longitude" DECIMAL(9,6) CHECK ("longitude" BETWEEN -180 AND 180),
  "active" BOOLEAN NOT NULL DEFAULT true
);
CREATE INDEX "site_district_id_idx" ON "site"("district_id");

CREATE TABLE "site_stream" (
  "site_id" UUID NOT NULL REFERENCES "site"("id") ON DELETE CASCADE,
  "stream_code" TEXT NOT NULL REFERENCES "waste_stream"("code"),
  PRIMARY KEY ("site_id", "stream_code")
);

CREATE TABLE "scale" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "site_id" UUID NOT NULL REFERENCES "site"("id") ON DELETE CASCADE,
  "code" TEXT NOT NULL CHECK ("code" ~ '^[A-Za-z0-9_-]{1,32}$'),
  "name" TEXT NOT NULL,
  "max_kg" INTEGER NOT NULL CHECK ("max_kg" > 0 AND "max_kg" <= 300000),
  "division_kg" INTEGER NOT NULL CHECK ("division_kg" IN (1,2,5,10,20,50,100)),
  "min_load_kg" INTEGER NOT NULL CHECK ("min_load_kg" >= 0),
  "protocol" "indicator_protocol" NOT NULL,
  "port_path" TEXT,
  "baud_rate" INTEGER NOT NULL DEFAULT 9600 CHECK ("baud_rate" IN (600,1200,2400,4800,9600,19200,38400,57600,115200)),
  "data_bits" INTEGER NOT NULL DEFAULT 8 CHECK ("data_bits" IN (7,8)),
  "parity" "serial_parity" NOT NULL DEFAULT 'none',
  "stop_bits" INTEGER NOT NULL DEFAULT 1 CHECK ("stop_bits" IN (1,2)),
  "active" BOOLEAN NOT NULL DEFAULT true,
  CONSTRAINT "scale_min_below_max" CHECK ("min_load_kg" < "max_kg"),
  CONSTRAINT "scale_max_multiple_of_e" CHECK ("max_kg" % "division_kg" = 0)
);
CREATE UNIQUE INDEX "scale_site_id_code_key" ON "scale"("site_id", "code");

CREATE TABLE "carrier" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "code" TEXT NOT NULL UNIQUE CHECK ("code" ~ '^[A-Z0-9_-]{2,32}$'),
  "name" TEXT NOT NULL CHECK (length("name") > 0),
  "licence_no" TEXT,
  "district_id" UUID REFERENCES "district"("id"),
  "phone" TEXT,
  "active" BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE "vehicle" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "plate" TEXT NOT NULL UNIQUE CHECK ("plate" ~ '^[^\s·・.-]{5,10}$'),
  "plate_raw" TEXT NOT NULL,
  "carrier_id" UUID NOT NULL REFERENCES "carrier"("id"),
  "kind" TEXT,
  "stored_tare_kg" INTEGER CHECK ("stored_tare_kg" > 0 AND "stored_tare_kg" < "max_gross_kg"),
  "tare_measured_at" TIMESTAMPTZ(3),
  "tare_expires_at" TIMESTAMPTZ(3),
  "max_gross_kg" INTEGER NOT NULL CHECK ("max_gross_kg" > 0 AND "max_gross_kg" <= 200000),
  "status" "vehicle_status" NOT NULL DEFAULT 'ACTIVE',
  -- a stored tare is only usable with the date it was measured and its expiry
  CONSTRAINT "vehicle_tare_dated" CHECK (
    ("stored_tare_kg" IS NULL AND "tare_measured_at" IS NULL AND "tare_expires_at" IS NULL) OR
    ("stored_tare_kg" IS NOT NULL AND "tare_measured_at" IS NOT NULL AND "tare_expires_at" > "tare_measured_at"))
);
CREATE INDEX "vehicle_carrier_id_idx" ON "vehicle"("carrier_id");

CREATE TABLE "vehicle_stream" (
  "vehicle_id" UUID NOT NULL REFERENCES "vehicle"("id") ON DELETE CASCADE,
  "stream_code" TEXT NOT NULL REFERENCES "waste_stream"("code"),
  PRIMARY KEY ("vehicle_id", "stream_code")
);

CREATE TABLE "driver" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "carrier_id" UUID NOT NULL REFERENCES "carrier"("id"),
  "name" TEXT NOT NULL CHECK (length("name") > 0),
  "phone" TEXT
);

CREATE TABLE "card" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "uid" TEXT NOT NULL UNIQUE CHECK ("uid" ~ '^[0-9a-f]{8,20}$'),
  "vehicle_id" UUID NOT NULL REFERENCES "vehicle"("id"),
  "driver_id" UUID REFERENCES "driver"("id"),
  "status" "card_status" NOT NULL DEFAULT 'ISSUED',
  "issued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "card_vehicle_id_idx" ON "card"("vehicle_id");

CREATE TABLE "card_event" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "card_id" UUID NOT NULL REFERENCES "card"("id"),
  "status" "card_status" NOT NULL,
  "vehicle_id" UUID NOT NULL,
  "driver_id" UUID,
  "note" TEXT,
  "actor_user_id" UUID,
  "at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "card_event_card_id_at_idx" ON "card_event"("card_id", "at");

CREATE TABLE "collection_route" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "code" TEXT NOT NULL UNIQUE CHECK ("code" ~ '^[A-Z0-9_-]{2,32}$'),
  "name" TEXT NOT NULL,
  "district_id" UUID NOT NULL REFERENCES "district"("id"),
  "stream_code" TEXT NOT NULL REFERENCES "waste_stream"("code"),
  "destination_site_id" UUID NOT NULL REFERENCES "site"("id"),
  "schedule_days" INTEGER[] NOT NULL CHECK (cardinality("schedule_days") BETWEEN 1 AND 7 AND "schedule_days" <@ ARRAY[1,2,3,4,5,6,7]),
  "shift_start" TEXT NOT NULL CHECK ("shift_start" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  "planned_trips" INTEGER NOT NULL CHECK ("planned_trips" BETWEEN 1 AND 100),
  "planned_kg" INTEGER NOT NULL CHECK ("planned_kg" > 0 AND "planned_kg" <= 5000000),
  "active" BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE "route_vehicle" (
  "route_id" UUID NOT NULL REFERENCES "collection_route"("id") ON DELETE CASCADE,
  "vehicle_id" UUID NOT NULL REFERENCES "vehicle"("id"),
  PRIMARY KEY ("route_id", "vehicle_id")
);

CREATE TABLE "route_point" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "route_id" UUID NOT NULL REFERENCES "collection_route"("id") ON DELETE CASCADE,
  "ordinal" INTEGER NOT NULL CHECK ("ordinal" >= 1),
  "name" TEXT NOT NULL,
  "latitude" DECIMAL(9,6),
  "longitude" DECIMAL(9,6)
);
CREATE UNIQUE INDEX "route_point_route_id_ordinal_key" ON "route_point"("route_id", "ordinal");

CREATE TABLE "permit" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "permit_no" TEXT NOT NULL UNIQUE CHECK (length("permit_no") BETWEEN 3 AND 64),
  "origin_site_id" UUID NOT NULL REFERENCES "site"("id"),
  "carrier_id" UUID NOT NULL REFERENCES "carrier"("id"),
  "disposal_site_id" UUID NOT NULL REFERENCES "site"("id"),
  "stream_code" TEXT NOT NULL REFERENCES "waste_stream"("code"),
  "valid_from" DATE NOT NULL,
  "valid_to" DATE NOT NULL,
  "approved_volume_m3" INTEGER NOT NULL CHECK ("approved_volume_m3" > 0),
  "approved_kg" INTEGER CHECK ("approved_kg" > 0),
  CONSTRAINT "permit_valid_range" CHECK ("valid_to" >= "valid_from"),
  CONSTRAINT "permit_distinct_sites" CHECK ("origin_site_id" <> "disposal_site_id")
);

CREATE TABLE "permit_vehicle" (
  "permit_id" UUID NOT NULL REFERENCES "permit"("id") ON DELETE CASCADE,
  "vehicle_id" UUID NOT NULL REFERENCES "vehicle"("id"),
  PRIMARY KEY ("permit_id", "vehicle_id")
);

CREATE TABLE "target" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "district_id" UUID NOT NULL REFERENCES "district"("id"),
  "metric" TEXT NOT NULL CHECK ("metric" ~ '^[A-Z_]{2,48}$'),
  "period_kind" "period_kind" NOT NULL,
  "period_start" DATE NOT NULL,
  "value" DECIMAL(14,4) NOT NULL,
  "unit" TEXT NOT NULL
);
CREATE UNIQUE INDEX "target_district_id_metric_period_kind_period_start_key" ON "target"("district_id", "metric", "period_kind", "period_start");

CREATE TABLE "station_device" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "code" TEXT NOT NULL UNIQUE CHECK ("code" ~ '^[A-Z0-9_-]{2,48}$'),
  "site_id" UUID NOT NULL REFERENCES "site"("id"),
  "public_key" TEXT CHECK ("public_key" ~ '^[A-Za-z0-9+/]{43}=$'),
  "enrol_token_hash" TEXT,
  "status" "device_status" NOT NULL DEFAULT 'PENDING',
  "software_version" TEXT,
  "last_seen_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "device_active_has_key" CHECK ("status" <> 'ACTIVE' OR "public_key" IS NOT NULL)
);

CREATE TABLE "device_lane" (
  "device_id" UUID NOT NULL REFERENCES "station_device"("id") ON DELETE CASCADE,
  "scale_id" UUID NOT NULL REFERENCES "scale"("id"),
  PRIMARY KEY ("device_id", "scale_id")
);

CREATE TABLE "app_user" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "username" TEXT NOT NULL UNIQUE CHECK ("username" ~ '^[a-z0-9_.-]{3,64}$'),
  "display_name" TEXT NOT NULL,
  "password_hash" TEXT NOT NULL,
  "role" "user_role" NOT NULL,
  "scope_site_id" UUID REFERENCES "site"("id"),
  "scope_carrier_id" UUID REFERENCES "carrier"("id"),
  "scope_district_id" UUID REFERENCES "district"("id"),
  "active" BOOLEAN NOT NULL DEFAULT true,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  -- operator: one site; dispatcher: a carrier or a district; inspector: a district or the city; admin: everything
  CONSTRAINT "app_user_scope_fits_role" CHECK (
    ("role" = 'OPERATOR'   AND "scope_site_id" IS NOT NULL AND "scope_carrier_id" IS NULL AND "scope_district_id" IS NULL) OR
    ("role" = 'DISPATCHER' AND "scope_site_id" IS NULL AND (("scope_carrier_id" IS NULL) <> ("scope_district_id" IS NULL))) OR
    ("role" = 'INSPECTOR'  AND "scope_site_id" IS NULL AND "scope_carrier_id" IS NULL) OR
    ("role" = 'ADMIN'      AND "scope_site_id" IS NULL AND "scope_carrier_id" IS NULL AND "scope_district_id" IS NULL))
);

-- ───────── ledger ─────────
CREATE TABLE "device_record" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "device_id" UUID NOT NULL REFERENCES "station_device"("id"),
  "seq" INTEGER NOT NULL CHECK ("seq" >= 1),
  "kind" TEXT NOT NULL CHECK ("kind" IN ('ticket','void')),
  "canonical" BYTEA NOT NULL,
  "hash" TEXT NOT NULL CHECK ("hash" ~ '^[0-9a-f]{64}$'),
  "prev_hash" TEXT NOT NULL CHECK ("prev_hash" ~ '^[0-9a-f]{64}$'),
  "signature" BYTEA NOT NULL CHECK (length("signature") = 64),
  "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  -- the stored hash is the hash of the stored bytes, always
  CONSTRAINT "device_record_hash_matches" CHECK ("hash" = encode(digest("canonical", 'sha256'), 'hex'))
);
CREATE UNIQUE INDEX "device_record_device_id_seq_key" ON "device_record"("device_id", "seq");

CREATE TABLE "ticket" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "record_id" UUID NOT NULL UNIQUE REFERENCES "device_record"("id"),
  "device_id" UUID NOT NULL REFERENCES "station_device"("id"),
  "seq" INTEGER NOT NULL,
  "site_id" UUID NOT NULL REFERENCES "site"("id"),
  "scale_id" UUID NOT NULL REFERENCES "scale"("id"),
  "vehicle_id" UUID NOT NULL REFERENCES "vehicle"("id"),
  "card_id" UUID REFERENCES "card"("id"),
  "plate_seen" TEXT,
  "stream_code" TEXT NOT NULL REFERENCES "waste_stream"("code"),
  "direction" "direction" NOT NULL,
  "gross_kg" INTEGER NOT NULL CHECK ("gross_kg" > 0 AND "gross_kg" <= 300000),
  "tare_kg" INTEGER NOT NULL CHECK ("tare_kg" >= 0),
  "net_kg" INTEGER NOT NULL CHECK ("net_kg" >= 0),
  "gross_source" "weight_source" NOT NULL CHECK ("gross_source" <> 'STORED'),
  "tare_source" "weight_source" NOT NULL,
  "first_weighed_at" TIMESTAMPTZ(3) NOT NULL,
  "second_weighed_at" TIMESTAMPTZ(3),
  "weighed_at" TIMESTAMPTZ(3) NOT NULL,
  "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "route_id" UUID REFERENCES "collection_route"("id"),
  "permit_id" UUID REFERENCES "permit"("id"),
  "origin_site_id" UUID REFERENCES "site"("id"),
  "operator" TEXT,
  "flags" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  "software_version" TEXT NOT NULL,
  CONSTRAINT "ticket_net_is_gross_minus_tare" CHECK ("net_kg" = "gross_kg" - "tare_kg"),
  CONSTRAINT "ticket_second_pass_after_first" CHECK ("second_weighed_at" IS NULL OR "second_weighed_at" >= "first_weighed_at")
);
CREATE UNIQUE INDEX "ticket_device_id_seq_key" ON "ticket"("device_id", "seq");
CREATE INDEX "ticket_site_id_weighed_at_idx" ON "ticket"("site_id", "weighed_at");
CREATE INDEX "ticket_vehicle_id_weighed_at_idx" ON "ticket"("vehicle_id", "weighed_at");
CREATE INDEX "ticket_weighed_at_id_idx" ON "ticket"("weighed_at", "id");

CREATE TABLE "ticket_event" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "ticket_id" UUID NOT NULL REFERENCES "ticket"("id"),
  "kind" "ticket_event_kind" NOT NULL,
  "reason" TEXT NOT NULL CHECK (length(btrim("reason")) >= 3),
  "actor_user_id" UUID,
  "actor_device_id" UUID,
  "record_id" UUID REFERENCES "device_record"("id"),
  "changes" JSONB,
  "at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "ticket_event_one_actor" CHECK (("actor_user_id" IS NULL) <> ("actor_device_id" IS NULL)),
  CONSTRAINT "ticket_event_correction_has_changes" CHECK ("kind" <> 'CORRECTION' OR "changes" IS NOT NULL)
);
CREATE INDEX "ticket_event_ticket_id_at_idx" ON "ticket_event"("ticket_id", "at");

CREATE TABLE "security_event" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "kind" TEXT NOT NULL,
  "device_id" UUID,
  "seq" INTEGER,
  "reason" TEXT NOT NULL,
  "details" JSONB,
  "remote_addr" TEXT
);
CREATE INDEX "security_event_at_idx" ON "security_event"("at");

-- ───────── append-only enforcement ─────────
-- The ledger is evidence. Nobody, the table owner included, may rewrite it:
-- triggers refuse UPDATE, DELETE and TRUNCATE, and the application role is
-- granted only SELECT and INSERT on these tables.
CREATE FUNCTION haulproof_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'haulproof: % on % is refused: the ledger is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

DO $$
DECLARE t TEXT;
BEGIN
  FOREACH t IN ARRAY ARRAY['device_record','ticket','ticket_event','security_event','card_event'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION haulproof_refuse_change()', t || '_no_rewrite', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION haulproof_refuse_change()', t || '_no_truncate', t);
  END LOOP;
END $$;

-- ───────── the application role ─────────
-- The server's pool runs as haulproof_app (SET ROLE at connect). Creating it
-- needs CREATEROLE; on a managed server a DBA can create it beforehand.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'haulproof_app') THEN
    CREATE ROLE haulproof_app NOLOGIN;
  END IF;
  IF NOT pg_has_role(current_user, 'haulproof_app', 'MEMBER') THEN
    EXECUTE format('GRANT haulproof_app TO %I', current_user);
  END IF;
END $$;

CREATE FUNCTION haulproof_apply_grants() RETURNS void LANGUAGE plpgsql AS $$
DECLARE t TEXT;
BEGIN
  EXECUTE 'GRANT USAGE ON SCHEMA public TO haulproof_app';
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' LOOP
    IF t IN ('device_record','ticket','ticket_event','security_event','card_event') THEN
      EXECUTE format('REVOKE ALL ON %I FROM haulproof_app', t);
      EXECUTE format('GRANT SELECT, INSERT ON %I TO haulproof_app', t);
    ELSE
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO haulproof_app', t);
    END IF;
  END LOOP;
  EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO haulproof_app';
END $$;

-- ───────── reference data: the waste streams ─────────
INSERT INTO "waste_stream" ("code","name_zh","name_en","household","sort_order") VALUES
  ('KITCHEN','厨余垃圾','Kitchen waste',true,1),
  ('FOOD_SERVICE','餐厨垃圾','Food-service waste',false,2),
  ('RECYCLABLE','可回收物','Recyclables',true,3),
  ('HAZARDOUS','有害垃圾','Hazardous waste',true,4),
  ('OTHER','其他垃圾','Other (residual) waste',true,5),
  ('BULKY','大件垃圾','Bulky waste',false,6),
  ('CONSTRUCTION','建筑垃圾','Construction waste (muck)',false,7),
  ('RENOVATION','装修垃圾','Renovation waste',false,8);

SELECT haulproof_apply_grants();
