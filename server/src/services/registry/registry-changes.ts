// Registry edits, announced in-process after they are stored. Reconciliation listens:
// stored days were computed against the registry as it was, so an edit that changes
// what a day reads must bring those days up to date (reconciliation/registry-reach.ts
// decides which). Not on the live bus: this is server-internal, never sent to a browser.
import type { CarrierRow } from '../../repositories/registry/carrier.repository.js';
import type { DistrictRow } from '../../repositories/registry/district.repository.js';
import type { PermitRow } from '../../repositories/registry/permit.repository.js';
import type { RouteRow } from '../../repositories/registry/route.repository.js';
import type { ScaleRow } from '../../repositories/registry/scale.repository.js';
import type { SiteRow } from '../../repositories/registry/site.repository.js';
import type { VehicleRow } from '../../repositories/registry/vehicle.repository.js';

export interface RegistryRows {
  site: SiteRow;
  scale: ScaleRow;
  district: DistrictRow;
  carrier: CarrierRow;
  vehicle: VehicleRow;
  route: RouteRow;
  permit: PermitRow;
}
export type RegistryEntity = keyof RegistryRows;

/** One stored edit: `before` null = created, `after` null = deleted. */
export type RegistryChange = { [E in RegistryEntity]: { entity: E; before: RegistryRows[E] | null; after: RegistryRows[E] | null } }[RegistryEntity];

export class RegistryChanges {
  private readonly listeners = new Set<(c: RegistryChange) => void>();

  announce(change: RegistryChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // a failing listener must never fail the edit, which is already stored
      }
    }
  }

  subscribe(listener: (c: RegistryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export type RegistryChangeSink = Pick<RegistryChanges, 'announce'>;
