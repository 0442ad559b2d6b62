// The indicator path end to end over a real pseudo-terminal pair (socat):
// simulator → pty a ⇄ socat ⇄ pty b → serialport → decoder → IndicatorPort → EventBus.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProtocolName } from '@haulproof/hardware';
import { IndicatorSimulator, type IndicatorSimOptions } from '../hardware/src/simulators/indicator-sim.js';
import { seededBytes } from '../hardware/src/simulators/prng.js';
import { SerialSimPort } from '../hardware/src/simulators/sim-port.js';
import type { CurvePoint } from '../hardware/src/simulators/truck-curve.js';
import { UhfReaderSimulator } from '../hardware/src/simulators/uhf-sim.js';
import { EventBus } from '../station-agent/src/event-bus.js';
import { createSerialIndicator, type IndicatorPort } from '../station-agent/src/devices/indicator-port.js';
import { createSerialUhfReader } from '../station-agent/src/devices/uhf-reader.js';
import type { AgentEvent, WeightSample } from '../station-agent/src/types.js';
import { startPtyPair, type PtyPair } from './support/pty.js';

type ScaleState = Extract<AgentEvent, { type: 'scale.state' }>;

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let pty: PtyPair;
let port: IndicatorPort | null = null;
let sim: IndicatorSimulator | null = null;
let samples: WeightSample[] = [];
let states: ScaleState[] = [];

function listen(protocol: ProtocolName, decoder?: object): IndicatorPort {
  const bus = new EventBus((err) => {
    throw err;
  });
  samples = [];
  states = [];
  bus.on((e) => {
    if (e.type === 'weight.sample') samples.push(e.sample);
    if (e.type === 'scale.state') states.push(e);
  });
  port = createSerialIndicator({
    lane: 'L1',
    protocol,
    decoder: decoder as never,
    path: pty.b,
    baudRate: 9600,
    bus,
    backoff: { initialMs: 100, maxMs: 1000 },
    health: { maxSilenceMs: 1000 },
  });
  return port;
}

function simulate(protocol: ProtocolName, extra: Partial<IndicatorSimOptions> = {}): { sim: IndicatorSimulator; sent: CurvePoint[] } {
  const sent: CurvePoint[] = [];
  sim = new IndicatorSimulator({
    protocol,
    port: { path: pty.a, baudRate: 9600, reopenMs: 100 },
    rateHz: 20,
    curve: { seed: 11, divisionKg: 20, rampS: 2, oscillationS: 1, settleS: 1 },
    onFrame: (_f, p) => sent.push(p),
    ...extra,
  });
  return { sim, sent };
}

const lastState = () => states.at(-1)?.state;

beforeEach(async () => {
  pty = await startPtyPair();
});

afterEach(async () => {
  await sim?.stop();
  await port?.stop();
  sim = null;
  port = null;
  await pty.close();
});

describe('indicator over a real pty', () => {
  it('XK3190 tf=0: every frame becomes a sample with the right kg, and a settle ends steady', async () => {
    const p = listen('XK3190_TF0');
    await p.start();
    expect(lastState()).toBe('connected');
    const { sim, sent } = simulate('XK3190_TF0', { script: [{ kg: 26_000, holdS: 2 }] });
    await sim.start();
    await waitFor('the script to finish', () => sim.idle && sent.length > 100);
    await sim.stop();
    await waitFor('the last frame', () => samples.length >= sent.length, 2000);
    expect(samples.map((s) => s.kg)).toEqual(sent.map((pt) => pt.kg));
    expect(samples.every((s) => s.motion === null && s.lane === 'L1')).toBe(true); // tf=0 has no motion flag
    expect(samples.slice(-40).every((s) => s.kg === 26_000)).toBe(true); // 2 s hold at 20 Hz
    expect(Math.max(...samples.map((s) => s.kg!))).toBeGreaterThan(26_000); // it overshot on the way
    expect(p.stats()).toMatchObject({ frames: sent.length, badChecksum: 0, badLayout: 0 });
  });

  it.each([
    ['TOLEDO_CONTINUOUS', { unit: 't', decimals: 2 }, { checksum: true }],
    ['ST_GS', {}, undefined],
  ] as const)('%s: motion while driving on, then steady samples at the truck weight', async (protocol, display, decoder) => {
    const p = listen(protocol, decoder);
    await p.start();
    const { sim, sent } = simulate(protocol, display);
    await sim.start();
    sim.arrive(31_460);
    await waitFor('the truck to settle', () => sent.length > 80 && sim.idle);
    await waitFor('steady samples', () => samples.length >= 20 && samples.slice(-20).every((s) => s.kg === 31_460 && s.motion === false));
    expect(samples.some((s) => s.motion === true)).toBe(true);
    expect(samples.every((s) => s.kg !== null && s.kg % 10 === 0)).toBe(true);
    expect(p.stats().badChecksum + p.stats().badLayout).toBe(0);
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)('reports disconnected when the cable goes (socat %s), and reconnects on its own when it is back', async (signal) => {
    const p = listen('XK3190_TF0');
    await p.start();
    const { sim } = simulate('XK3190_TF0');
    await sim.start();
    sim.arrive(8_000);
    await waitFor('samples', () => samples.length > 10);

    const killedAt = Date.now();
    await pty.kill(signal);
    const down = await waitFor('disconnected', () => states.find((s) => s.state === 'disconnected'), 5000);
    const detectMs = Date.now() - killedAt;
    expect(down.detail).toMatch(/disconnected|cannot open/);
    expect(p.state).toBe('disconnected');

    await new Promise((r) => setTimeout(r, 1500)); // a few failed reopen attempts (ENOENT)
    expect(p.stats().failures).toBeGreaterThan(1);
    const before = samples.length;
    const restartedAt = Date.now();
    await pty.restart();
    await waitFor('connected again', () => states.at(-1)?.state === 'connected' && states.length > 2, 10_000);
    const reconnectMs = Date.now() - restartedAt;
    await waitFor('samples again', () => samples.length > before + 10 && samples.at(-1)!.kg === 8_000, 10_000);
    expect(p.stats().connects).toBe(2);
    console.info(`pty (${signal}): disconnect seen after ${detectMs} ms, reconnected ${reconnectMs} ms after socat came back`);
  });

  it.each([
    ['XK3190_TF0', undefined],
    ['TOLEDO_CONTINUOUS', { checksum: true }],
  ] as const)('%s: a million random bytes make no sample, no crash, and a fault', async (protocol, decoder) => {
    const p = listen(protocol, decoder);
    await p.start();
    const noise = new SerialSimPort({ path: pty.a, baudRate: 9600 });
    await noise.open(() => undefined);
    try {
      const bytes = seededBytes(20240611, 1_000_000);
      for (let i = 0; i < bytes.length; i += 65_536) {
        noise.write(bytes.subarray(i, i + 65_536));
        await noise.drain();
      }
      await waitFor('all bytes to be decoded', () => {
        const s = p.stats();
        return s.bytesDiscarded + 0 >= 1_000_000 - 64 && s;
      }, 20_000);
      await waitFor('a fault', () => states.find((s) => s.state === 'fault'), 3000);
    } finally {
      await noise.close();
    }
    const s = p.stats();
    expect(samples).toEqual([]);
    expect(s.frames).toBe(0);
    expect(s.badChecksum + s.badLayout).toBeGreaterThan(1000);
    expect(p.state).toBe('fault');
    console.info(`${protocol}: 1e6 random bytes → ${s.badChecksum} bad checksums, ${s.badLayout} bad layouts, fault "${states.find((x) => x.state === 'fault')?.detail}"`);
  }, 40_000);

  it('reports a fault when the indicator stops talking, and connected when it resumes', async () => {
    const p = listen('ST_GS');
    await p.start();
    const { sim } = simulate('ST_GS');
    await sim.start();
    await waitFor('samples', () => samples.length > 5);
    sim.pause();
    const pausedAt = Date.now();
    const fault = await waitFor('a fault', () => states.find((s) => s.state === 'fault'), 5000);
    expect(fault.detail).toMatch(/^no frame for \d+\.\d s$/);
    // maxSilenceMs is 1000, counted from the last frame (up to one frame period before the pause).
    expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(900);
    sim.resume();
    await waitFor('recovery', () => states.at(-1)?.state === 'connected' && states.at(-1)?.detail === 'frames resumed', 3000);
    expect(p.state).toBe('connected');
  });
});

describe('UHF lane reader over a real pty', () => {
  it('announces a windshield tag once while it stays, and again after it was away', async () => {
    const uhfSim = new UhfReaderSimulator({ port: { path: pty.a, reopenMs: 100 } });
    await uhfSim.start();
    const bus = new EventBus();
    const events: AgentEvent[] = [];
    bus.on((e) => events.push(e));
    const reader = createSerialUhfReader({ reader: 'L1-uhf', path: pty.b, bus, inventoryEveryMs: 100, dedupeMs: 800 });
    const presented = () => events.flatMap((e) => (e.type === 'card.presented' ? [e.uid] : []));
    try {
      await reader.start();
      await waitFor('ready', () => events.find((e) => e.type === 'reader.state' && e.state === 'ready'));
      uhfSim.tagEnters('E2000017221101441890ABCD', { rssi: -52 });
      await waitFor('the tag', () => presented().length === 1);
      await new Promise((r) => setTimeout(r, 1500)); // ~15 rounds with the tag in the field
      expect(uhfSim.rounds).toBeGreaterThan(10);
      expect(presented()).toEqual(['e2000017221101441890abcd']);
      uhfSim.tagLeaves('E2000017221101441890ABCD');
      await new Promise((r) => setTimeout(r, 1200));
      uhfSim.tagEnters('E2000017221101441890ABCD');
      await waitFor('the tag again', () => presented().length === 2);
      expect(reader.stats.badChecksum).toBe(0);
    } finally {
      await reader.stop();
      await uhfSim.stop();
    }
  });
});
