/**
 * Command line for the indicator simulator:
 *
 *   npx tsx hardware/src/simulators/indicator-sim.ts --port /tmp/x/a --protocol XK3190_TF0 \
 *     [--baud 9600] [--data-bits 8] [--parity none] [--stop-bits 1] [--rate 10] [--seed 1] \
 *     [--division 20] [--unit kg|t|lb] [--decimals N] [--max-kg 60000] [--no-checksum] \
 *     [--script "26000:6,0:3"] [--loop]
 *
 * While it runs, type on stdin: a weight in kg ("26000") and a truck of that
 * weight drives on; "0" or "off" and it drives off; "pause" / "resume" stop
 * and restart the frames; "quit" ends. SIGINT/SIGTERM close the port.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { PROTOCOL_NAMES, isProtocolName } from '../indicators/index.js';
import { IndicatorSimulator } from './indicator-sim.js';
import type { CurveStep } from './truck-curve.js';

const USAGE = `usage: indicator-sim --port PATH [--protocol ${PROTOCOL_NAMES.join('|')}] [--rate HZ] [--seed N] [--script "KG:HOLD_S,..."] [--loop]`;

/** "26000:6,0:3" → [{ kg: 26000, holdS: 6 }, { kg: 0, holdS: 3 }]; JSON arrays work too. */
export function parseScript(text: string): CurveStep[] {
  if (text.trim().startsWith('[')) return JSON.parse(text) as CurveStep[];
  return text.split(',').map((part) => {
    const [kg, hold] = part.split(':');
    const step: CurveStep = { kg: Number(kg), holdS: hold === undefined ? undefined : Number(hold) };
    if (!Number.isFinite(step.kg) || (step.holdS !== undefined && !Number.isFinite(step.holdS))) {
      throw new RangeError(`bad script step ${JSON.stringify(part)}; expected KG:HOLD_SECONDS`);
    }
    return step;
  });
}

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new RangeError(`--${name} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      protocol: { type: 'string', default: 'XK3190_TF0' },
      baud: { type: 'string' },
      'data-bits': { type: 'string' },
      parity: { type: 'string' },
      'stop-bits': { type: 'string' },
      rate: { type: 'string' },
      seed: { type: 'string' },
      division: { type: 'string' },
      unit: { type: 'string' },
      decimals: { type: 'string' },
      'max-kg': { type: 'string' },
      'no-checksum': { type: 'boolean', default: false },
      script: { type: 'string' },
      loop: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.port) {
    console.error(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  if (!isProtocolName(values.protocol)) throw new RangeError(`unknown --protocol ${values.protocol}; one of ${PROTOCOL_NAMES.join(', ')}`);
  const unit = values.unit ?? 'kg';
  if (unit !== 'kg' && unit !== 't' && unit !== 'lb') throw new RangeError('--unit must be kg, t or lb');
  const sim = new IndicatorSimulator({
    protocol: values.protocol,
    port: {
      path: values.port,
      baudRate: num(values.baud, 'baud') ?? 9600,
      dataBits: (num(values['data-bits'], 'data-bits') ?? 8) as 7 | 8,
      parity: (values.parity ?? 'none') as 'none' | 'even' | 'odd',
      stopBits: (num(values['stop-bits'], 'stop-bits') ?? 1) as 1 | 2,
    },
    rateHz: num(values.rate, 'rate'),
    curve: { seed: num(values.seed, 'seed') ?? 1, divisionKg: num(values.division, 'division') },
    unit,
    decimals: num(values.decimals, 'decimals'),
    maxKg: num(values['max-kg'], 'max-kg'),
    encode: { checksum: !values['no-checksum'] },
    script: values.script ? parseScript(values.script) : undefined,
    loop: values.loop,
    onError: (err) => console.error(`indicator-sim: ${err.message}`),
  });
  await sim.start();
  console.error(`indicator-sim: ${values.protocol} on ${values.port}; type a weight in kg, "off", "pause", "resume" or "quit"`);
  const rl = createInterface({ input: process.stdin });
  const stop = async (): Promise<void> => {
    rl.close();
    await sim.stop();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  rl.on('line', (line) => {
    const cmd = line.trim().toLowerCase();
    if (cmd === 'quit' || cmd === 'exit') void stop();
    else if (cmd === 'off' || cmd === '0') sim.depart();
    else if (cmd === 'pause') sim.pause();
    else if (cmd === 'resume') sim.resume();
    else if (/^\d+$/.test(cmd)) sim.arrive(Number(cmd));
    else if (cmd !== '') console.error(`indicator-sim: ? ${cmd}`);
  });
}
