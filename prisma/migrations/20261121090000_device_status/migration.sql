-- What the station devices' heartbeats said, kept across server restarts. Live presence (online
-- or not) stays in the server's memory; these two tables are what report quality judges by.
-- The live uplink writes them at most every DEVICE_STATUS_WRITE_S per device (and once in every
-- new clock hour), never once per heartbeat.

-- The last heartbeat the server wrote down, one row per device. open_tickets and the two
-- columns after it are NULL when the device's agent does not report its open first passes.
CREATE TABLE "station_device_status" (
  "device_id"         UUID         NOT NULL PRIMARY KEY REFERENCES "station_device"("id") ON DELETE CASCADE,
  "last_heartbeat_at" TIMESTAMPTZ(3) NOT NULL, -- server time the heartbeat arrived
  "reported_at"       TIMESTAMPTZ(3) NOT NULL, -- the heartbeat's own time (device clock)
  "software_version"  TEXT         NOT NULL,
  "queue_depth"       INTEGER      NOT NULL CHECK ("queue_depth" >= 0),
  "open_tickets"      INTEGER      CHECK ("open_tickets" >= 0),
  "oldest_open_at"    TIMESTAMPTZ(3), -- device clock
  -- lane → first-weighed times of its open first passes, oldest first (device clock)
  "open_by_lane"      JSONB,
  CONSTRAINT "station_device_status_open_figures" CHECK (
    ("open_tickets" IS NULL AND "oldest_open_at" IS NULL AND "open_by_lane" IS NULL)
    OR ("open_tickets" IS NOT NULL AND ("open_tickets" = 0) = ("oldest_open_at" IS NULL) AND jsonb_typeof("open_by_lane") = 'object'))
);

-- The clock hours (UTC) in which a device was heard over the uplink: one small row per device
-- and hour, at most 24 a day. Report quality takes silent time from the gaps between these,
-- the tickets and the station events; a bitmap per day would be smaller still, but rows keep
-- the gap query a plain window over timestamps in any site's time zone.
CREATE TABLE "station_device_hour" (
  "device_id" UUID           NOT NULL REFERENCES "station_device"("id") ON DELETE CASCADE,
  "hour"      TIMESTAMPTZ(3) NOT NULL CHECK (extract(epoch FROM "hour")::numeric % 3600 = 0),
  PRIMARY KEY ("device_id", "hour")
);

SELECT haulproof_apply_grants();
