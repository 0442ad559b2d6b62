/**
 * Finds a font that can print Chinese. Station PCs differ (Debian with fonts-noto-cjk or
 * fonts-wqy-*, Windows with Microsoft YaHei), so the path is configurable and common places
 * are searched; none found means English-only tickets, never a crash.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface CjkFont {
  path: string;
  family: string | undefined; // the PostScript name inside a .ttc collection; undefined for a single font
}

const CANDIDATES = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
  '/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/arphic/uming.ttc',
  '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf',
  'C:\\Windows\\Fonts\\msyh.ttc',
  'C:\\Windows\\Fonts\\simsun.ttc',
];

/** fontconfig's own answer, where it exists. */
function fontconfigCandidates(): string[] {
  try {
    const out = execFileSync('fc-list', [':lang=zh', 'file'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] });
    return out
      .split('\n')
      .map((l) => l.replace(/:\s*$/, '').trim())
      .filter((p) => /\.(ttf|ttc|otf)$/i.test(p));
  } catch {
    return []; // no fontconfig on this machine
  }
}

/** PostScript names (name ID 6) of the fonts in a TrueType/OpenType collection. */
export function collectionNames(buf: Buffer): string[] {
  if (buf.toString('latin1', 0, 4) !== 'ttcf') return [];
  const names: string[] = [];
  const count = buf.readUInt32BE(8);
  for (let i = 0; i < count; i++) {
    const font = buf.readUInt32BE(12 + 4 * i);
    const tables = buf.readUInt16BE(font + 4);
    for (let t = 0; t < tables; t++) {
      const rec = font + 12 + 16 * t;
      if (buf.toString('latin1', rec, rec + 4) !== 'name') continue;
      const table = buf.readUInt32BE(rec + 8);
      const records = buf.readUInt16BE(table + 2);
      const strings = table + buf.readUInt16BE(table + 4);
      for (let r = 0; r < records; r++) {
        const n = table + 6 + 12 * r;
        if (buf.readUInt16BE(n + 6) !== 6) continue;
        const platform = buf.readUInt16BE(n);
        const start = strings + buf.readUInt16BE(n + 10);
        const raw = buf.subarray(start, start + buf.readUInt16BE(n + 8));
        names.push(platform === 3 ? Buffer.from(raw).swap16().toString('utf16le') : raw.toString('latin1'));
        break;
      }
    }
  }
  return names;
}

function familyFor(path: string): string | undefined {
  if (!/\.ttc$/i.test(path)) return undefined;
  const names = collectionNames(readFileSync(path));
  // Noto CJK collections hold JP, KR, SC, TC and HK faces: the simplified-Chinese one shows mainland glyph forms
  return names.find((n) => /CJKsc|SC-|GB/i.test(n)) ?? names[0];
}

/**
 * `configured`: a path (with optional "#PostScriptName" for a collection) to use, null to
 * print English only, undefined to search.
 */
export function findCjkFont(configured?: string | null): CjkFont | null {
  if (configured === null) return null;
  if (configured !== undefined) {
    const [path, family] = configured.split('#') as [string, string | undefined];
    if (!existsSync(path)) return null;
    return { path, family: family ?? familyFor(path) };
  }
  for (const path of [...CANDIDATES, ...fontconfigCandidates()]) {
    if (!existsSync(path)) continue;
    try {
      return { path, family: familyFor(path) };
    } catch {
      continue; // unreadable or not a font: try the next one
    }
  }
  return null;
}
