// Makes sure the Debian packages the test suite needs are installed. CI runs on
// a fresh machine where nothing installed by hand survives, so `npm test` calls
// this first. Idempotent: when everything is present it only asks dpkg.
//   socat            virtual serial ports (pty pairs) for the indicator simulators
//   pcscd, libpcsclite-dev, vsmartcard-vpcd   a virtual PC/SC card reader for nfc-pcsc
//   chromium         headless browser for the console's end-to-end tests
//   fonts-wqy-microhei  a CJK font: the printed ticket (磅单) and browser screenshots render Chinese
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export const SYSTEM_PACKAGES = ['socat', 'pcscd', 'libpcsclite-dev', 'vsmartcard-vpcd', 'chromium', 'fonts-wqy-microhei'];

/** dpkg says "install ok installed" only for a fully installed package. */
function isInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === 'install ok installed';
}

/** apt's chatter is shown only when it fails, so a good run prints one line. */
function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  }
}

export function ensureSystemPackages(packages = SYSTEM_PACKAGES) {
  if (spawnSync('dpkg-query', ['--version']).status !== 0) {
    throw new Error(`dpkg-query not found: this is not a Debian system; install these yourself: ${packages.join(' ')}`);
  }
  const missing = packages.filter((p) => !isInstalled(p));
  if (missing.length === 0) return `system packages: all ${packages.length} present (${packages.join(', ')})`;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `system packages missing: ${missing.join(' ')}\n` +
        `  run as root, or: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    );
  }
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing]);
  const still = missing.filter((p) => !isInstalled(p));
  if (still.length) throw new Error(`apt-get finished but these are still not installed: ${still.join(' ')}`);
  return `system packages: installed ${missing.join(', ')}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    console.log(ensureSystemPackages());
  } catch (err) {
    console.error(`ensure-system-packages: ${err.message}`);
    process.exit(1);
  }
}
