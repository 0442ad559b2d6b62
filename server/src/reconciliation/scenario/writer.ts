// Writes a generated city and its signed records straight into PostgreSQL, as the
// database owner. Scenario and benchmark data only: real tickets go through
// ingestion. Rows are exactly what ingestion would have stored (the CHECKs on
// device_record still hold: hash = sha256(canonical), 64-byte signature).
import type pg from 'pg';
import { MUCK_KG_PER_M3, type ScenarioCity } from './city.js';
import type { RecordRow, StationEventRow, TicketEventRow, TicketRow } from './records.js';

type Client = Pick<pg.ClientBase, 'query'>;

/** INSERT … SELECT FROM jsonb_to_recordset: one statement per batch, whatever its size. */
async function insertRows(c: Client, table: string, columns: Record<string, string>, rows: Record<string, unknown>[], batch = 2_000): Promise<void> {
  const names = Object.keys(columns);
  const spec = names.map((n) => `"${n}" ${columns[n]}`).join(', ');
  for (let i = 0; i < rows.length; i += batch) {
    await c.query(`INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(', ')}) SELECT ${names.map((n) => `x."${n}"`).join(', ')} FROM jsonb_to_recordset($1::jsonb) AS x(${spec})`, [JSON.stringify(rows.slice(i, i + batch))]);
  }
}

export async function writeCity(c: Client, city: ScenarioCity, users: { id: string; username: string }[]): Promise<void> {
  await insertRows(c, 'district', { id: 'uuid', code: 'text', name_zh: 'text', name_en: 'text', population: 'int' }, city.districts.map((d) => ({ id: d.id, code: d.code, name_zh: d.nameZh, name_en: d.nameEn, population: d.population })));
  await insertRows(c, 'site', { id: 'uuid', code: 'text', name_zh: 'text', name_en: 'text', kind: 'site_kind', district_id: 'uuid', capacity_tpd: 'int', timezone: 'text' }, city.sites.map((s) => ({ id: s.id, code: s.code, name_zh: s.nameZh, name_en: s.nameEn, kind: s.kind, district_id: s.districtId, capacity_tpd: s.capacityTpd, timezone: city.timezone })));
  await insertRows(c, 'site_stream', { site_id: 'uuid', stream_code: 'text' }, city.sites.flatMap((s) => s.streams.map((st) => ({ site_id: s.id, stream_code: st }))));
  await insertRows(c, 'scale', { id: 'uuid', site_id: 'uuid', code: 'text', name: 'text', max_kg: 'int', division_kg: 'int', min_load_kg: 'int', protocol: 'indicator_protocol' }, city.sites.flatMap((s) => s.scales.map((sc) => ({ id: sc.id, site_id: s.id, code: sc.code, name: `${sc.code} lane`, max_kg: 100_000, division_kg: 20, min_load_kg: 400, protocol: 'XK3190_TF0' }))));
  await insertRows(c, 'carrier', { id: 'uuid', code: 'text', name: 'text', district_id: 'uuid' }, city.carriers.map((x) => ({ id: x.id, code: x.code, name: x.name, district_id: x.districtId })));
  await insertRows(c, 'vehicle', { id: 'uuid', plate: 'text', plate_raw: 'text', carrier_id: 'uuid', kind: 'text', stored_tare_kg: 'int', tare_measured_at: 'timestamptz', tare_expires_at: 'timestamptz', max_gross_kg: 'int' }, city.vehicles.map((v) => ({ id: v.id, plate: v.plate, plate_raw: v.plateRaw, carrier_id: v.carrierId, kind: v.kind, stored_tare_kg: v.storedTareKg, tare_measured_at: '2000-01-01T00:00:00Z', tare_expires_at: '2100-01-01T00:00:00Z', max_gross_kg: v.maxGrossKg })));
  await insertRows(c, 'vehicle_stream', { vehicle_id: 'uuid', stream_code: 'text' }, city.vehicles.flatMap((v) => v.streams.map((st) => ({ vehicle_id: v.id, stream_code: st }))));
  await insertRows(c, 'card', { id: 'uuid', uid: 'text', vehicle_id: 'uuid' }, city.vehicles.map((v) => ({ id: v.cardId, uid: v.cardUid, vehicle_id: v.id })));
  await insertRows(c, 'collection_route', { id: 'uuid', code: 'text', name: 'text', district_id: 'uuid', stream_code: 'text', destination_site_id: 'uuid', origin_site_id: 'uuid', schedule_days: 'int[]', shift_start: 'text', planned_trips: 'int', planned_kg: 'int' },
    [...city.routes, ...city.haulRoutes].map((r) => ({ id: r.id, code: r.code, name: r.name, district_id: r.districtId, stream_code: r.stream, destination_site_id: r.destinationSiteId, origin_site_id: 'originSiteId' in r ? r.originSiteId : null, schedule_days: r.scheduleDays, shift_start: `${String(Math.floor(r.shiftStartMin / 60)).padStart(2, '0')}:${String(r.shiftStartMin % 60).padStart(2, '0')}`, planned_trips: r.plannedTrips, planned_kg: r.plannedKg })));
  await insertRows(c, 'route_vehicle', { route_id: 'uuid', vehicle_id: 'uuid' }, [...city.routes, ...city.haulRoutes].flatMap((r) => r.vehicleIds.map((v) => ({ route_id: r.id, vehicle_id: v }))));
  await insertRows(c, 'permit', { id: 'uuid', permit_no: 'text', origin_site_id: 'uuid', carrier_id: 'uuid', disposal_site_id: 'uuid', stream_code: 'text', valid_from: 'date', valid_to: 'date', approved_volume_m3: 'int', approved_kg: 'int' },
    city.permits.map((p) => ({ id: p.id, permit_no: p.permitNo, origin_site_id: p.originSiteId, carrier_id: p.carrierId, disposal_site_id: p.disposalSiteId, stream_code: p.stream, valid_from: p.validFrom, valid_to: p.validTo, approved_volume_m3: p.approvedVolumeM3, approved_kg: Math.min(p.approvedKg, p.approvedVolumeM3 * MUCK_KG_PER_M3) })));
  await insertRows(c, 'permit_vehicle', { permit_id: 'uuid', vehicle_id: 'uuid' }, city.permits.flatMap((p) => p.vehicleIds.map((v) => ({ permit_id: p.id, vehicle_id: v }))));
  const devices = city.sites.filter((s) => s.device);
  await insertRows(c, 'station_device', { id: 'uuid', code: 'text', site_id: 'uuid', public_key: 'text', status: 'device_status', software_version: 'text' }, devices.map((s) => ({ id: s.device!.id, code: s.device!.code, site_id: s.id, public_key: s.device!.publicKey, status: 'ACTIVE', software_version: 'haulproof-scenario 1.0.0' })));
  await insertRows(c, 'device_lane', { device_id: 'uuid', scale_id: 'uuid' }, devices.flatMap((s) => s.scales.map((sc) => ({ device_id: s.device!.id, scale_id: sc.id }))));
  await insertRows(c, 'app_user', { id: 'uuid', username: 'text', display_name: 'text', password_hash: 'text', role: 'user_role' }, users.map((u) => ({ id: u.id, username: u.username, display_name: u.username, password_hash: 'scrypt$unusable', role: 'ADMIN' })));
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Records and their tickets, in any order; a ticket's record goes in the same statement batch. */
export async function writeTickets(c: Client, records: readonly RecordRow[], tickets: readonly TicketRow[]): Promise<void> {
  await insertRows(c, 'device_record', { id: 'uuid', device_id: 'uuid', seq: 'int', kind: 'text', canonical: 'bytea', hash: 'text', prev_hash: 'text', signature: 'bytea', received_at: 'timestamptz' },
    records.map((r) => ({ id: r.id, device_id: r.deviceId, seq: r.seq, kind: r.kind, canonical: `\\x${r.canonical.toString('hex')}`, hash: r.hash, prev_hash: r.prevHash, signature: `\\x${r.signature.toString('hex')}`, received_at: iso(r.receivedAt) })));
  await insertRows(c, 'ticket', {
    id: 'uuid', record_id: 'uuid', device_id: 'uuid', seq: 'int', site_id: 'uuid', scale_id: 'uuid', vehicle_id: 'uuid', card_id: 'uuid', plate_seen: 'text', stream_code: 'text', direction: 'direction',
    gross_kg: 'int', tare_kg: 'int', net_kg: 'int', gross_source: 'weight_source', tare_source: 'weight_source', first_weighed_at: 'timestamptz', second_weighed_at: 'timestamptz', weighed_at: 'timestamptz', received_at: 'timestamptz',
    route_id: 'uuid', permit_id: 'uuid', origin_site_id: 'uuid', operator: 'text', flags: 'text[]', software_version: 'text',
  }, tickets.map((t) => ({
    id: t.id, record_id: t.recordId, device_id: t.deviceId, seq: t.seq, site_id: t.siteId, scale_id: t.scaleId, vehicle_id: t.vehicleId, card_id: t.cardId, plate_seen: t.plateSeen, stream_code: t.stream, direction: t.direction,
    gross_kg: t.grossKg, tare_kg: t.tareKg, net_kg: t.netKg, gross_source: t.grossSource, tare_source: t.tareSource, first_weighed_at: iso(t.firstAt), second_weighed_at: iso(t.secondAt), weighed_at: iso(t.weighedAt), received_at: iso(t.receivedAt),
    route_id: t.routeId, permit_id: t.permitId, origin_site_id: t.originSiteId, operator: t.operator, flags: t.flags, software_version: 'haulproof-scenario 1.0.0',
  })));
}

export async function writeEvents(c: Client, records: readonly RecordRow[], events: readonly TicketEventRow[]): Promise<void> {
  if (records.length) await writeTickets(c, records, []);
  await insertRows(c, 'ticket_event', { id: 'uuid', ticket_id: 'uuid', kind: 'ticket_event_kind', reason: 'text', actor_user_id: 'uuid', actor_device_id: 'uuid', record_id: 'uuid', changes: 'jsonb', at: 'timestamptz' },
    events.map((e) => ({ id: e.id, ticket_id: e.ticketId, kind: e.kind, reason: e.reason, actor_user_id: e.actorUserId, actor_device_id: e.actorDeviceId, record_id: e.recordId, changes: e.changes, at: iso(e.at) })));
}

/** Station events and their records (kind 'event'), in any order: the ticket an event names is found by (device, seq) on read. */
export async function writeStationEvents(c: Client, records: readonly RecordRow[], events: readonly StationEventRow[]): Promise<void> {
  if (records.length) await writeTickets(c, records, []);
  await insertRows(c, 'station_event', { id: 'uuid', record_id: 'uuid', device_id: 'uuid', site_id: 'uuid', lane_code: 'text', type: 'text', at: 'timestamptz', plate: 'text', card_uid: 'text', message: 'text', details: 'jsonb', ticket_seq: 'int', received_at: 'timestamptz' },
    events.map((e) => ({ id: e.id, record_id: e.recordId, device_id: e.deviceId, site_id: e.siteId, lane_code: e.lane, type: e.type, at: iso(e.at), plate: e.plate, card_uid: e.cardUid, message: e.message, details: e.details, ticket_seq: e.ticketSeq, received_at: iso(e.receivedAt) })));
}
