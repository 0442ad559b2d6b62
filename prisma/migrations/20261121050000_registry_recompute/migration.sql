-- A collection route's plan has a validity window (both days included; NULL = open-ended).
-- A plan change ends the old route and creates a new one, so a past run keeps the plan it
-- was judged by; reconciliation plans no run outside the window.
ALTER TABLE "collection_route"
  ADD COLUMN "effective_from" DATE,
  ADD COLUMN "effective_to" DATE,
  ADD CONSTRAINT "collection_route_effective_window" CHECK ("effective_from" IS NULL OR "effective_to" IS NULL OR "effective_from" <= "effective_to");

-- A permit edit recomputes the days of the tickets that name it (and deleting a permit
-- checks that none does): both look tickets up by permit.
CREATE INDEX "ticket_permit_id_idx" ON "ticket"("permit_id");
