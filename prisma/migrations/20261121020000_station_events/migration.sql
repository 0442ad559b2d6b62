-- Station agent (issue 3): station event records in the ledger, and device enrolment tokens.
-- Hand-written; test/schema-drift.test.ts keeps it equal to schema.prisma.

-- ───────── a third kind of signed record: station events ─────────
ALTER TABLE "device_record" DROP CONSTRAINT "device_record_kind_check";
ALTER TABLE "device_record" ADD CONSTRAINT "device_record_kind_check" CHECK ("kind" IN ('ticket','void','event'));

-- Anti-cheat and fault events a station signed into its chain (WEIGHT_JUMP, NO_ZERO_RETURN, …).
-- Like ticket, every row is derived from one device_record whose bytes stay the evidence.
CREATE TABLE "station_event" (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "record_id" UUID NOT NULL UNIQUE REFERENCES "device_record"("id"),
  "device_id" UUID NOT NULL REFERENCES "station_device"("id"),
  "site_id" UUID NOT NULL REFERENCES "site"("id"),
  "lane_code" TEXT CHECK ("lane_code" ~ '^[A-Za-z0-9_-]{1,48}$'),
  "type" TEXT NOT NULL CHECK ("type" ~ '^[A-Z_]{2,48}$'),
  "at" TIMESTAMPTZ(3) NOT NULL,
  "plate" TEXT,
  "card_uid" TEXT CHECK ("card_uid" ~ '^[0-9a-f]{8,20}$'),
  "message" TEXT NOT NULL CHECK (length("message") BETWEEN 1 AND 500),
  "details" JSONB NOT NULL CHECK (jsonb_typeof("details") = 'object'),
  "ticket_seq" INTEGER CHECK ("ticket_seq" >= 1),
  "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "station_event_site_id_at_idx" ON "station_event"("site_id", "at");
CREATE INDEX "station_event_device_id_at_idx" ON "station_event"("device_id", "at");
CREATE INDEX "station_event_at_id_idx" ON "station_event"("at", "id");

CREATE TRIGGER "station_event_no_rewrite" BEFORE UPDATE OR DELETE ON "station_event" FOR EACH ROW EXECUTE FUNCTION haulproof_refuse_change();
CREATE TRIGGER "station_event_no_truncate" BEFORE TRUNCATE ON "station_event" FOR EACH STATEMENT EXECUTE FUNCTION haulproof_refuse_change();

-- ───────── enrolment: a one-time token, stored as its sha256, valid for a limited time ─────────
ALTER TABLE "station_device" ADD COLUMN "enrol_token_expires_at" TIMESTAMPTZ(3);
ALTER TABLE "station_device" ADD CONSTRAINT "station_device_enrol_token_dated" CHECK (("enrol_token_hash" IS NULL) = ("enrol_token_expires_at" IS NULL));
ALTER TABLE "station_device" ADD CONSTRAINT "station_device_enrol_token_hash_hex" CHECK ("enrol_token_hash" ~ '^[0-9a-f]{64}$');

-- ───────── grants: the ledger table list now includes station_event ─────────
CREATE OR REPLACE FUNCTION haulproof_apply_grants() RETURNS void LANGUAGE plpgsql AS $$
DECLARE t TEXT;
BEGIN
  EXECUTE 'GRANT USAGE ON SCHEMA public TO haulproof_app';
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' LOOP
    IF t IN ('device_record','ticket','ticket_event','security_event','card_event','station_event') THEN
      EXECUTE format('REVOKE ALL ON %I FROM haulproof_app', t);
      EXECUTE format('GRANT SELECT, INSERT ON %I TO haulproof_app', t);
    ELSE
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO haulproof_app', t);
    END IF;
  END LOOP;
  EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO haulproof_app';
END $$;

SELECT haulproof_apply_grants();
