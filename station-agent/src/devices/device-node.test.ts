import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchDeviceNode } from './device-node.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hp-node-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const gone = (p: string, everyMs = 20) =>
  new Promise<{ why: string; stop: () => void }>((resolve) => {
    const stop = watchDeviceNode(p, (why) => resolve({ why, stop }), everyMs);
  });
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('watchDeviceNode', () => {
  it('fires when the path disappears (an unplugged adapter, a pty link removed)', async () => {
    const dev = path.join(dir, 'ttyUSB0');
    await writeFile(dev, '');
    const fired = gone(dev);
    await settle(60);
    await rm(dev);
    await expect(fired).resolves.toMatchObject({ why: `${dev} no longer exists` });
  });

  it('fires when a link now leads to another node (socat restarted at the same link)', async () => {
    const [pts1, pts2, link] = ['pts1', 'pts2', 'b'].map((n) => path.join(dir, n)) as [string, string, string];
    await writeFile(pts1, '');
    await writeFile(pts2, '');
    await symlink(pts1, link);
    const fired = gone(link);
    await settle(60);
    await rm(link);
    await symlink(pts2, link);
    await expect(fired).resolves.toMatchObject({ why: `${link} is now a different device` });
  });

  it('stays quiet while the node is unchanged, and after stop', async () => {
    const dev = path.join(dir, 'ttyS0');
    await writeFile(dev, '');
    let calls = 0;
    const stop = watchDeviceNode(dev, () => calls++, 10);
    await settle(80);
    stop();
    await rm(dev);
    await settle(50);
    expect(calls).toBe(0);
  });
});
