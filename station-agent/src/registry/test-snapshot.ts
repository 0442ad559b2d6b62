// A small registry snapshot for the registry tests.
import type { RegistrySnapshot } from '../types.js';

export function snapshot(overrides: Partial<RegistrySnapshot> = {}): RegistrySnapshot {
  return {
    generatedAt: '2025-03-14T00:00:00.000Z',
    device: { code: 'DEV-TEST', status: 'ACTIVE' },
    site: { code: 'TS-1', nameZh: '测试转运站', nameEn: 'Test transfer station', kind: 'TRANSFER_STATION', timezone: 'Asia/Shanghai', acceptedStreams: ['KITCHEN', 'OTHER', 'CONSTRUCTION'] },
    lanes: [{ code: 'L1', name: 'Lane 1', maxKg: 60_000, divisionKg: 20, minLoadKg: 400, protocol: 'XK3190_TF0', portPath: '/dev/ttyUSB0', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }],
    vehicles: [
      { plate: '苏E12345', plateRaw: '苏E·12345', carrierCode: 'C-1', status: 'ACTIVE', streams: ['OTHER', 'KITCHEN'], storedTareKg: 12_000, tareExpiresAt: '2025-06-01T00:00:00.000Z', maxGrossKg: 31_000 },
      { plate: '苏EA6789', plateRaw: '苏E A6789', carrierCode: 'C-2', status: 'ACTIVE', streams: ['CONSTRUCTION'], storedTareKg: null, tareExpiresAt: null, maxGrossKg: 49_000 },
    ],
    cards: [
      { uid: 'a1b2c3d4', plate: '苏E12345', status: 'ISSUED', driverName: '王师傅' },
      { uid: '0badcafe', plate: '苏E99999', status: 'ISSUED', driverName: null }, // a card whose vehicle is not in the snapshot
    ],
    permits: [
      { permitNo: 'SZ-2025-0042', originSiteCode: 'PS-7', disposalSiteCode: 'TS-1', stream: 'CONSTRUCTION', validFrom: '2025-03-10', validTo: '2025-03-14', plates: ['苏EA6789'] },
      { permitNo: 'SZ-2025-0050', originSiteCode: 'PS-8', disposalSiteCode: 'TS-1', stream: 'CONSTRUCTION', validFrom: '2025-03-15', validTo: '2025-04-15', plates: ['苏E·A6789', '苏E12345'] },
    ],
    routes: [
      { code: 'R-KIT-2', stream: 'KITCHEN', plates: ['苏E12345'], scheduleDays: [6, 7] },
      { code: 'R-KIT-1', stream: 'KITCHEN', plates: ['苏E12345'], scheduleDays: [1, 2, 3, 4, 5] },
      { code: 'R-OTH-1', stream: 'OTHER', plates: ['苏E12345'], scheduleDays: [1, 3, 5] },
    ],
    sites: [{ code: 'INC-1', nameZh: '焚烧厂', kind: 'INCINERATOR', acceptedStreams: ['OTHER'] }],
    ...overrides,
  };
}
