import { describe, expect, test } from 'vitest';
import type { RegistryChange, RegistryRows } from '../services/registry/registry-changes.js';
import { reachOf, REGISTRY_SOURCES } from './registry-reach.js';

const date = (d: string | null) => (d ? new Date(`${d}T00:00:00Z`) : null);
const route = (o: Partial<{ from: string | null; to: string | null; plannedKg: number; name: string; origin: string | null }> = {}): RegistryRows['route'] =>
  ({
    id: 'r1', code: 'R-1', name: o.name ?? 'line 1', districtId: 'd1', streamCode: 'OTHER', destinationSiteId: 's1', originSiteId: o.origin ?? null, scheduleDays: [1, 2, 3], shiftStart: '06:00',
    plannedTrips: 2, plannedKg: o.plannedKg ?? 16_000, active: true, kgTolerance: null, effectiveFrom: date(o.from ?? null), effectiveTo: date(o.to ?? null), vehicles: [{ vehicleId: 'v1' }], points: [],
  }) as RegistryRows['route'];
const permit = (o: Partial<{ disposal: string; name: number }> = {}): RegistryRows['permit'] =>
  ({ id: 'p1', permitNo: 'P-1', originSiteId: 'o1', carrierId: 'c1', disposalSiteId: o.disposal ?? 's1', streamCode: 'CONSTRUCTION', validFrom: date('2026-01-01'), validTo: date('2026-12-31'), approvedVolumeM3: o.name ?? 100, approvedKg: null, vehicles: [{ vehicleId: 'v1' }] }) as RegistryRows['permit'];

const days = (c: RegistryChange, candidates: string[]) => {
  const r = reachOf(c);
  if (r === null) return null;
  if (r.kind !== 'days') return r;
  return candidates.filter((d) => r.covers(d));
};
const OCT = ['2026-10-01', '2026-10-05', '2026-10-10', '2026-10-15', '2026-10-20'];

describe('which stored days a registry edit reaches', () => {
  test('every entity announced is one some part of the registry is read from', () => {
    expect(new Set(Object.values(REGISTRY_SOURCES).flat())).toEqual(new Set(['site', 'scale', 'vehicle', 'carrier', 'route', 'permit', 'district']));
  });

  test('an edit to nothing reconciliation reads reaches no day', () => {
    expect(reachOf({ entity: 'route', before: route(), after: route({ name: 'renamed' }) })).toBeNull();
    expect(reachOf({ entity: 'permit', before: permit(), after: permit({ name: 200 }) })).toBeNull(); // approved volume is read at query time
  });

  test('a route plan change reaches every day of its window; a new route only its own', () => {
    expect(days({ entity: 'route', before: route({ from: '2026-10-05', to: '2026-10-15' }), after: route({ from: '2026-10-05', to: '2026-10-15', plannedKg: 1 }) }, OCT)).toEqual(['2026-10-05', '2026-10-10', '2026-10-15']);
    expect(days({ entity: 'route', before: null, after: route({ from: '2026-10-15' }) }, OCT)).toEqual(['2026-10-15', '2026-10-20']);
    expect(days({ entity: 'route', before: route({ to: '2026-10-05' }), after: null }, OCT)).toEqual(['2026-10-01', '2026-10-05']);
  });

  test('making a collection route a haul route (an origin) is a plan change: every day of its window', () => {
    expect(days({ entity: 'route', before: route({ from: '2026-10-05', to: '2026-10-15' }), after: route({ from: '2026-10-05', to: '2026-10-15', origin: 'ts1' }) }, OCT)).toEqual(['2026-10-05', '2026-10-10', '2026-10-15']);
  });

  test('a plan change that also moves the window reaches both windows', () => {
    expect(days({ entity: 'route', before: route({ to: '2026-10-01' }), after: route({ from: '2026-10-15', plannedKg: 1 }) }, OCT)).toEqual(['2026-10-01', '2026-10-15', '2026-10-20']);
  });

  test('ending a route (only the window moves) reaches only the days it left', () => {
    expect(days({ entity: 'route', before: route(), after: route({ to: '2026-10-10' }) }, OCT)).toEqual(['2026-10-15', '2026-10-20']);
    expect(days({ entity: 'route', before: route({ from: '2026-10-10' }), after: route({ from: '2026-10-05' }) }, OCT)).toEqual(['2026-10-05']);
  });

  test('a permit edit reaches the days of the tickets naming it; a new permit none', () => {
    expect(reachOf({ entity: 'permit', before: permit(), after: permit({ disposal: 's2' }) })).toEqual({ kind: 'permit-tickets', permitId: 'p1' });
    expect(reachOf({ entity: 'permit', before: null, after: permit() })).toBeNull();
  });

  test('a site or scale edit reaches every day; a vehicle or carrier only when updated', () => {
    const site = { id: 's1', code: 'TS-1', kind: 'TRANSFER_STATION', districtId: 'd1', capacityTpd: 800, timezone: 'Asia/Shanghai', streams: [{ streamCode: 'OTHER' }] } as RegistryRows['site'];
    expect(days({ entity: 'site', before: site, after: { ...site, capacityTpd: 900 } }, OCT)).toEqual(OCT);
    expect(days({ entity: 'site', before: site, after: { ...site, nameEn: 'renamed' } as RegistryRows['site'] }, OCT)).toBeNull();
    const scale = { id: 'sc', siteId: 's1', active: true } as RegistryRows['scale'];
    expect(days({ entity: 'scale', before: scale, after: { ...scale, active: false } }, OCT)).toEqual(OCT);
    const vehicle = { id: 'v1', plate: '苏E12345', carrierId: 'c1', storedTareKg: 15_000, maxGrossKg: 25_000, streams: [{ streamCode: 'OTHER' }] } as RegistryRows['vehicle'];
    expect(days({ entity: 'vehicle', before: vehicle, after: { ...vehicle, storedTareKg: 15_200 } }, OCT)).toEqual(OCT);
    expect(reachOf({ entity: 'vehicle', before: null, after: vehicle })).toBeNull(); // the ledger names no vehicle not yet registered
    const carrier = { id: 'c1', name: 'A', districtId: 'd1' } as RegistryRows['carrier'];
    expect(days({ entity: 'carrier', before: carrier, after: { ...carrier, districtId: 'd2' } }, OCT)).toEqual(OCT);
    expect(reachOf({ entity: 'carrier', before: carrier, after: { ...carrier, name: 'B' } })).toBeNull();
  });
});
