/**
 * Decoder throughput: 200k frames per format, written by the encoders and fed
 * in 4 KiB chunks, as a serial port would deliver them (only much faster).
 * Run: npx tsx bench/decoders.bench.ts
 */
import { performance } from 'node:perf_hooks';
import {
  createDecoder,
  encodeStream,
  type DecoderOptionsByProtocol,
  type EncodeOptions,
  type FrameInput,
  type ProtocolName,
} from '../hardware/src/indicators/index.js';

const FRAMES = 200_000;
const CHUNK = 4096;
const RUNS = 3;

interface Row {
  label: string;
  protocol: ProtocolName;
  decoder?: DecoderOptionsByProtocol[ProtocolName];
  encoder?: EncodeOptions;
}

const rows: Row[] = [
  { label: 'TOLEDO_CONTINUOUS (checksum)', protocol: 'TOLEDO_CONTINUOUS', encoder: { checksum: true } },
  { label: 'TOLEDO_CONTINUOUS (7-E-1)', protocol: 'TOLEDO_CONTINUOUS', encoder: { checksum: true, parity: 'even' } },
  { label: 'TOLEDO_CONTINUOUS (no checksum)', protocol: 'TOLEDO_CONTINUOUS', decoder: { checksum: false }, encoder: { checksum: false } },
  { label: 'TOLEDO_8142', protocol: 'TOLEDO_8142' },
  { label: 'XK3190_TF0', protocol: 'XK3190_TF0' },
  { label: 'XK3190_TF1', protocol: 'XK3190_TF1' },
  { label: 'XK3190_TF2', protocol: 'XK3190_TF2' },
  { label: 'A12', protocol: 'A12' },
  { label: 'A12E', protocol: 'A12', encoder: { checksum: true } },
  { label: 'ST_GS', protocol: 'ST_GS' },
  { label: 'MT_SICS', protocol: 'MT_SICS' },
];

/** A truck driving on and off a 60 t × 20 kg bridge, in t with 2 decimals (fixed, as an indicator's setting). */
function inputs(): FrameInput[] {
  return Array.from({ length: FRAMES }, (_, i) => {
    const kg = Math.round((Math.sin(i / 500) * 30_000 + 30_000) / 20) * 20;
    return { value: kg / 1000, decimals: 2, unit: 't', stable: i % 7 !== 0 };
  });
}

function decodeOnce(row: Row, data: Uint8Array): number {
  const d = createDecoder(row.protocol, row.decoder as never);
  let n = 0;
  for (let i = 0; i < data.length; i += CHUNK) n += d.push(data.subarray(i, i + CHUNK)).length;
  n += d.flush().length;
  if (n !== FRAMES || d.stats.badChecksum + d.stats.badLayout !== 0) {
    throw new Error(`${row.label}: decoded ${n} of ${FRAMES} frames, stats ${JSON.stringify(d.stats)}`);
  }
  return n;
}

const xs = inputs();
const table: Record<string, string | number>[] = [];
for (const row of rows) {
  const data = encodeStream(row.protocol, xs, row.encoder);
  decodeOnce(row, data); // warm-up
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    decodeOnce(row, data);
    best = Math.min(best, performance.now() - t0);
  }
  table.push({
    format: row.label,
    'frame bytes': data.length / FRAMES,
    'best ms': Math.round(best),
    'frames/s': Math.round((FRAMES / best) * 1000).toLocaleString('en-US'),
    'MB/s': ((data.length / best) * 1000 / 1e6).toFixed(1),
  });
}
console.log(`${FRAMES.toLocaleString('en-US')} frames per format, ${CHUNK}-byte chunks, best of ${RUNS} (Node ${process.version})`);
console.table(table);
