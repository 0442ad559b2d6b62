import { describe, expect, test } from 'vitest';
import { localDay } from './local-date.js';
import { RegistryLookup } from './lookup.js';
import { snapshot } from './test-snapshot.js';

const shanghai = (iso: string) => Date.parse(`${iso}+08:00`);
const lookup = new RegistryLookup(snapshot());

describe('plates and cards', () => {
  test('plates are compared in normal form, however they are written', () => {
    for (const p of ['苏E12345', '苏E·12345', '苏e 12345', '苏Ｅ１２３４５', '苏E-12345']) expect(lookup.vehicleByPlate(p)?.carrierCode).toBe('C-1');
    expect(lookup.vehicleByPlate('苏E54321')).toBeUndefined();
  });

  test('a card finds its vehicle; a card whose vehicle is missing still returns the card', () => {
    expect(lookup.vehicleByCard('A1B2C3D4')).toMatchObject({ card: { driverName: '王师傅' }, vehicle: { plate: '苏E12345' } });
    expect(lookup.vehicleByCard('0badcafe')).toEqual({ card: expect.objectContaining({ plate: '苏E99999' }), vehicle: undefined });
    expect(lookup.vehicleByCard('deadbeef')).toBeUndefined();
  });
});

describe('permits', () => {
  test('validity is whole calendar days in the site time zone, both ends inclusive', () => {
    const nos = (plate: string, at: number) => lookup.permitsFor(plate, at).map((p) => p.permitNo);
    expect(nos('苏EA6789', shanghai('2025-03-09T23:59:59'))).toEqual([]);
    expect(nos('苏EA6789', shanghai('2025-03-10T00:00:00'))).toEqual(['SZ-2025-0042']);
    expect(nos('苏E A6789', shanghai('2025-03-14T23:59:59'))).toEqual(['SZ-2025-0042']);
    // 2025-03-14T17:30Z is already the 15th in Suzhou
    expect(nos('苏EA6789', Date.parse('2025-03-14T17:30:00Z'))).toEqual(['SZ-2025-0050']);
    expect(nos('苏EA6789', shanghai('2025-04-16T00:00:00'))).toEqual([]);
    expect(nos('苏E12345', shanghai('2025-03-20T12:00:00'))).toEqual(['SZ-2025-0050']); // listed with a separator in the permit
    expect(nos('苏E00000', shanghai('2025-03-20T12:00:00'))).toEqual([]);
  });

  test('the site time zone comes from the snapshot', () => {
    const utc = new RegistryLookup(snapshot({ site: { ...snapshot().site, timezone: 'UTC' } }));
    expect(utc.permitsFor('苏EA6789', Date.parse('2025-03-14T17:30:00Z')).map((p) => p.permitNo)).toEqual(['SZ-2025-0042']);
  });
});

describe('routes', () => {
  test('the route for the stream; one scheduled that weekday wins, then the lowest code', () => {
    expect(lookup.routeFor('苏E·12345', 'OTHER', shanghai('2025-03-15T08:00:00'))?.code).toBe('R-OTH-1');
    expect(lookup.routeFor('苏E12345', 'KITCHEN', shanghai('2025-03-14T08:00:00'))?.code).toBe('R-KIT-1'); // Friday
    expect(lookup.routeFor('苏E12345', 'KITCHEN', shanghai('2025-03-15T08:00:00'))?.code).toBe('R-KIT-2'); // Saturday
    expect(lookup.routeFor('苏E12345', 'RECYCLABLE', shanghai('2025-03-15T08:00:00'))).toBeUndefined();
  });
});

test('localDay gives the site calendar day and ISO weekday; an unknown zone falls back to China time', () => {
  expect(localDay(Date.parse('2025-03-15T16:30:00Z'), 'Asia/Shanghai')).toEqual({ date: '2025-03-16', weekday: 7 });
  expect(localDay(Date.parse('2025-03-15T16:30:00Z'), 'Not/AZone')).toEqual({ date: '2025-03-16', weekday: 7 });
  expect(localDay(Date.parse('2025-03-15T16:30:00Z'), 'UTC')).toEqual({ date: '2025-03-15', weekday: 6 });
});
