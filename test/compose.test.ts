// No Docker engine runs where the tests run, so docker-compose.yml and the
// Dockerfile are checked statically: structure, references between services,
// files they name, and images. A broken deployment file fails here, not on a
// bureau's server.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
// Official images we deploy on; each must carry an explicit version tag.
const ALLOWED_IMAGES = new Set(['postgres', 'node']);
const DEPENDS_CONDITIONS = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);

interface Build { context?: string; dockerfile?: string }
interface Service {
  image?: string;
  build?: string | Build;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, unknown> | string[];
  ports?: unknown[];
  volumes?: unknown[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
}
interface Compose { services: Record<string, Service>; volumes?: Record<string, unknown> }

function loadCompose(version: '1.1' | '1.2'): Compose {
  const doc = parseDocument(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { uniqueKeys: true, version });
  if (doc.errors.length) throw new Error(`docker-compose.yml does not parse:\n${doc.errors.map((e) => e.message).join('\n')}`);
  return doc.toJS() as Compose;
}
const compose = loadCompose('1.2');
// Ports and environment values must also survive a YAML 1.1 reader, where an
// unquoted `on` is a boolean and `22:22` a base-60 number.
const compose11 = loadCompose('1.1');
const services = Object.entries(compose.services ?? {});

/** Compose's `${VAR:-default}` / `${VAR:?message}` / `${VAR}`, resolved without an environment. */
const interpolate = (v: string) => v.replace(/\$\{(\w+)(?::?[-?]([^}]*))?\}/g, (_m, name: string, dflt?: string) => (dflt && !/\s/.test(dflt) ? dflt : `x${name}`));

function buildOf(s: Service): { context: string; dockerfile: string } | null {
  if (!s.build) return null;
  const b: Build = typeof s.build === 'string' ? { context: s.build } : s.build;
  const context = path.resolve(ROOT, b.context ?? '.');
  return { context, dockerfile: path.resolve(context, b.dockerfile ?? 'Dockerfile') };
}

function environmentOf(s: Service): [string, unknown][] {
  if (!s.environment) return [];
  if (Array.isArray(s.environment)) return s.environment.map((e) => [String(e).split('=')[0]!, String(e).includes('=') ? String(e).slice(String(e).indexOf('=') + 1) : undefined]);
  return Object.entries(s.environment);
}

const words = (c: string | string[] | undefined) => (c === undefined ? [] : Array.isArray(c) ? c.map(String) : c.split(/\s+/).filter(Boolean));
/** Arguments that name a file in the repository (scripts, sources), as opposed to flags and program names. */
const isRepoPath = (w: string) => !w.startsWith('-') && !/^[a-z]+:\/\//.test(w) && (/\.(ts|mts|js|mjs|cjs|sh|json|sql)$/.test(w) || (w.includes('/') && !w.startsWith('/')));

function imageProblem(image: string): string | null {
  const m = /^(?:docker\.io\/(?:library\/)?)?([a-z0-9._-]+)(?::([\w.-]+))?(@sha256:[0-9a-f]{64})?$/.exec(image);
  if (!m) return `"${image}" is not an official image (allowed: ${[...ALLOWED_IMAGES].join(', ')})`;
  const [, name, tag, digest] = m;
  if (!ALLOWED_IMAGES.has(name!)) return `"${image}" is not in the allowed set (${[...ALLOWED_IMAGES].join(', ')})`;
  if (!tag && !digest) return `"${image}" has no tag: pin a version`;
  if (tag === 'latest') return `"${image}" uses latest: pin a version`;
  return null;
}

// ─── Dockerfile parsing: instructions with continuations joined ───
function dockerInstructions(file: string): { op: string; args: string }[] {
  const text = readFileSync(file, 'utf8').replace(/\\\r?\n/g, ' ');
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

/** Sources of COPY/ADD from the build context (not --from a stage), flags removed. */
function copySources(args: string): string[] {
  const parts = args.trim().startsWith('[') ? (JSON.parse(args.slice(args.indexOf('['))) as string[]) : args.split(/\s+/);
  if (parts.some((p) => p.startsWith('--from='))) return [];
  const files = parts.filter((p) => !p.startsWith('--'));
  return files.slice(0, -1);
}

/** .dockerignore semantics, enough for our patterns: `*`, `**`, `?`, `!` and directory prefixes. */
function dockerIgnored(context: string): (rel: string) => boolean {
  const file = path.join(context, '.dockerignore');
  if (!existsSync(file)) return () => false;
  const rules = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = path.posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, '')).replace(/\/+$/, '');
      const source = pattern
        .split('/')
        .map((seg) => (seg === '**' ? '.*' : seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
        .join('/')
        .replace(/\.\*\//g, '(?:.*/)?');
      return { negate, re: new RegExp(`^${source}(?:/.*)?$`) };
    });
  return (rel) => {
    let ignored = false;
    for (const r of rules) if (r.re.test(rel)) ignored = !r.negate;
    return ignored;
  };
}

test('docker-compose.yml defines services', () => {
  expect(services.length).toBeGreaterThan(0);
  expect(services.map(([n]) => n)).toEqual(expect.arrayContaining(['postgres', 'server', 'station']));
});

describe.each(services)('service %s', (name, s) => {
  test('has an image or a build, and its image is an allowed official one with a pinned tag', () => {
    expect(typeof s.image === 'string' || typeof s.build === 'string' || (typeof s.build === 'object' && s.build !== null), `${name} needs image or build`).toBe(true);
    if (s.image && !s.build) expect(imageProblem(s.image)).toBeNull();
    if (s.image && s.build) expect(s.image, 'an image name for a build must not be latest').not.toMatch(/:latest$/);
  });

  test('depends only on services that exist, with conditions they can meet', () => {
    const deps = Array.isArray(s.depends_on) ? s.depends_on.map((d) => [d, {}] as const) : Object.entries(s.depends_on ?? {});
    for (const [dep, opts] of deps) {
      expect(compose.services[dep], `${name} depends on unknown service ${dep}`).toBeDefined();
      expect(dep).not.toBe(name);
      const condition = (opts as { condition?: string }).condition ?? 'service_started';
      expect(DEPENDS_CONDITIONS.has(condition), `${name}: unknown condition ${condition}`).toBe(true);
      if (condition === 'service_healthy') expect(compose.services[dep]?.healthcheck?.test, `${dep} must have a healthcheck for ${name} to wait on`).toBeDefined();
    }
  });

  test('publishes well-formed ports that no YAML reader takes for numbers', () => {
    for (const p of compose11.services[name]?.ports ?? []) {
      expect(typeof p, `port ${String(p)} must be a quoted string`).toBe('string');
      const m = /^(?:(?:\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d{1,5}):)?(\d{1,5})(?:\/(tcp|udp))?$/.exec(p as string);
      expect(m, `port "${String(p)}" is not HOST:CONTAINER`).not.toBeNull();
      for (const n of [m![1], m![2]].filter(Boolean).map(Number)) expect(n >= 1 && n <= 65535, `port ${n} is out of range`).toBe(true);
      const port = environmentOf(s).find(([k]) => k === 'PORT')?.[1];
      if (port !== undefined) expect(m![2], `${name} listens on PORT=${String(port)}`).toBe(String(port));
    }
  });

  test('sets environment values as strings, and URLs point at services that exist', () => {
    for (const [key, value] of environmentOf(compose11.services[name] ?? {})) {
      expect(key).toMatch(/^[A-Z_][A-Z0-9_]*$/);
      expect(typeof value, `${name}: ${key} must be a string (quote numbers and booleans)`).toBe('string');
      if (typeof value === 'string' && /^[a-z]+:\/\//.test(value)) {
        const host = new URL(interpolate(value)).hostname;
        if (!['localhost', '127.0.0.1'].includes(host)) expect(Object.keys(compose.services), `${name}: ${key} points at unknown host ${host}`).toContain(host);
      }
    }
  });

  test('uses only declared named volumes', () => {
    for (const v of s.volumes ?? []) {
      const source = typeof v === 'string' ? v.split(':')[0]! : String((v as { source?: string }).source);
      if (/^[a-zA-Z0-9][\w.-]*$/.test(source)) expect(Object.keys(compose.volumes ?? {}), `${name}: volume ${source} is not declared`).toContain(source);
      else expect(existsSync(path.resolve(ROOT, source)), `${name}: bind mount ${source} does not exist`).toBe(true);
    }
  });

  const build = buildOf(s);
  if (build) {
    test('builds from a Dockerfile that exists', () => {
      expect(existsSync(build.dockerfile), `${path.relative(ROOT, build.dockerfile)} is missing`).toBe(true);
    });

    test('runs files that exist in the repository', () => {
      const paths = [...words(s.entrypoint), ...words(s.command)].filter(isRepoPath);
      for (const p of paths) expect(existsSync(path.resolve(build.context, p)), `${name} runs ${p}, which does not exist`).toBe(true);
    });
  }
});

describe.each([...new Set(services.map(([, s]) => buildOf(s)?.dockerfile).filter((f): f is string => !!f))])('%s', (dockerfile) => {
  const context = path.dirname(dockerfile);
  const instructions = dockerInstructions(dockerfile);

  test('starts FROM an allowed official image with a pinned tag', () => {
    const froms = instructions.filter((i) => i.op === 'FROM').map((i) => i.args.split(/\s+/).filter((a) => !a.startsWith('--'))[0]!);
    expect(froms.length).toBeGreaterThan(0);
    const stages = new Set(instructions.filter((i) => i.op === 'FROM').map((i) => /\bAS\s+(\S+)/i.exec(i.args)?.[1]));
    for (const f of froms) if (!stages.has(f)) expect(imageProblem(f)).toBeNull();
  });

  test('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = dockerIgnored(context);
    const sources = instructions.filter((i) => i.op === 'COPY' || i.op === 'ADD').flatMap((i) => copySources(i.args));
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) {
      const rel = path.posix.normalize(src).replace(/\/+$/, '');
      if (rel === '.') continue;
      expect(existsSync(path.resolve(context, rel)), `COPY ${src}: no such file`).toBe(true);
      expect(ignored(rel), `COPY ${src}: excluded by .dockerignore`).toBe(false);
    }
  });

  test('runs a file that exists, with one CMD', () => {
    const finalStage = instructions.slice(instructions.map((i) => i.op).lastIndexOf('FROM'));
    // Docker silently uses only the last CMD/ENTRYPOINT of a stage; a second one is a mistake.
    for (const op of ['CMD', 'ENTRYPOINT']) expect(finalStage.filter((i) => i.op === op).length, `more than one ${op}`).toBeLessThanOrEqual(1);
    const cmd = finalStage.filter((i) => i.op === 'CMD' || i.op === 'ENTRYPOINT').flatMap((i) => (i.args.startsWith('[') ? (JSON.parse(i.args) as string[]) : words(i.args)));
    const paths = cmd.filter(isRepoPath);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(existsSync(path.resolve(context, p)), `CMD runs ${p}, which does not exist`).toBe(true);
  });
});

test('.dockerignore keeps host dependencies and generated code out of the image', () => {
  const ignored = dockerIgnored(ROOT);
  for (const p of ['node_modules', 'console/node_modules', 'server/src/generated/prisma/client.ts', '.git', 'data/pg']) expect(ignored(p), p).toBe(true);
  for (const p of ['server/src/main.ts', 'prisma/schema.prisma', 'package-lock.json']) expect(ignored(p), p).toBe(false);
});

test('the server healthcheck probes /ready, which the server serves', () => {
  const probe = words(compose.services.server?.healthcheck?.test).join(' ');
  expect(probe).toContain('/ready');
  expect(readFileSync(path.join(ROOT, 'server/src/http/routes/health.ts'), 'utf8')).toMatch(/get\(\s*'\/ready'/);
});
