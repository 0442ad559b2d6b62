-- Haul routes: a transfer station's trailers hauling on to a plant (station → incinerator,
-- N trips a day) are planned as routes too. A route with an origin is a haul route: its runs
-- count the trailers' arrivals from that station, not collection trips, and its tonnes never
-- count as collected for a district (they were collected once already, into the station).
-- NULL = a collection route.
ALTER TABLE "collection_route"
  ADD COLUMN "origin_site_id" UUID REFERENCES "site"("id"),
  ADD CONSTRAINT "collection_route_origin_not_destination" CHECK ("origin_site_id" IS NULL OR "origin_site_id" <> "destination_site_id");

CREATE INDEX "collection_route_origin_site_id_idx" ON "collection_route" ("origin_site_id") WHERE "origin_site_id" IS NOT NULL;

-- Each run keeps the origin of the plan it was judged by, as it keeps the destination.
-- Runs stored before this migration were all collection runs.
ALTER TABLE "recon_route_run"
  ADD COLUMN "origin_site_id" UUID,
  ADD CONSTRAINT "recon_route_run_origin_not_destination" CHECK ("origin_site_id" IS NULL OR "origin_site_id" <> "destination_site_id");
