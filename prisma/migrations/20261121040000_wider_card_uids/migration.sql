-- UHF windshield tags identify vehicles by a 96-bit EPC (24 hex characters),
-- longer than an IC card's UID. Card identifiers are now 4–16 bytes of hex.
ALTER TABLE "card" DROP CONSTRAINT "card_uid_check";
ALTER TABLE "card" ADD CONSTRAINT "card_uid_check" CHECK ("uid" ~ '^[0-9a-f]{8,32}$');
ALTER TABLE "station_event" DROP CONSTRAINT "station_event_card_uid_check";
ALTER TABLE "station_event" ADD CONSTRAINT "station_event_card_uid_check" CHECK ("card_uid" ~ '^[0-9a-f]{8,32}$');
