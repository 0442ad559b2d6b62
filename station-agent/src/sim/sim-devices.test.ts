// The simulated devices speak through the production paths: every protocol's frames cross the
// in-memory line (split into arbitrary reads) into IndicatorPort's decoder, MT-SICS only after
// the host asked with SIR, and the simulated card reader says what a real reader adapter says.
import { describe, expect, test } from 'vitest';
import { EventBus } from '../event-bus.js';
import type { AgentEvent } from '../types.js';
import { SimulatedDevices } from './sim-devices.js';

const PROTOCOLS = ['XK3190_TF0', 'XK3190_TF1', 'XK3190_TF2', 'TOLEDO_CONTINUOUS', 'TOLEDO_8142', 'A12', 'ST_GS', 'MT_SICS'] as const;
const FAST = { rampS: 0.3, oscillationS: 0.2, settleS: 0.2 };

describe('SimulatedDevices', () => {
  test.concurrent.each(PROTOCOLS)('%s: a truck on the simulated deck reaches the lane as decoded samples', async (protocol) => {
    const bus = new EventBus((err) => {
      throw err;
    });
    const events: AgentEvent[] = [];
    bus.on((e) => events.push(e));
    const devices = new SimulatedDevices({ readersByLane: { L1: ['L1-ic'] }, scales: { L1: { divisionKg: 20, maxKg: 60_000 } }, curve: FAST, splitShare: 1 });
    const indicator = devices.factories.indicator({ lane: 'L1', protocol, path: 'sim:L1', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, bus });
    await indicator.start();
    try {
      devices.lane('L1').indicator.arrive(31_460);
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      await indicator.stop();
    }
    const kgs = events.flatMap((e) => (e.type === 'weight.sample' && e.sample.lane === 'L1' ? [e.sample.kg] : []));
    expect(kgs.length).toBeGreaterThan(8); // 10 Hz for 1.5 s, minus the first frames
    expect(kgs.at(-1)).toBe(31_460);
    expect(events.find((e) => e.type === 'scale.state')).toMatchObject({ state: 'connected' });
  });

  test('the simulated reader announces itself, presents and removes cards', async () => {
    const bus = new EventBus();
    const events: AgentEvent[] = [];
    bus.on((e) => events.push(e));
    const devices = new SimulatedDevices({ readersByLane: { L1: ['L1-ic'] } });
    const reader = devices.factories.pcsc({ reader: 'L1-ic', match: undefined, bus });
    devices.factories.indicator({ lane: 'L1', protocol: 'A12', path: 'sim:L1', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, bus });
    await reader.start();
    const lane = devices.lane('L1');
    lane.reader!.presentCard('0A:1B:2C:3D');
    lane.reader!.presentCard('0a1b2c3d'); // the same card again: nothing new
    lane.reader!.presentCard('ffeeddcc'); // another card: the first is taken away
    await reader.stop();
    expect(events.map((e) => [e.type, 'uid' in e ? e.uid : 'state' in e ? e.state : null])).toEqual([
      ['reader.state', 'ready'],
      ['card.presented', '0a1b2c3d'],
      ['card.removed', '0a1b2c3d'],
      ['card.presented', 'ffeeddcc'],
      ['card.removed', 'ffeeddcc'],
      ['reader.state', 'absent'],
    ]);
  });
});
