import { readFileSync } from 'node:fs';

// The station software's version id, printed on every ticket and signed into it:
// the package version plus a build id (CI sets HAULPROOF_BUILD_ID, e.g. the git commit).
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
export const SOFTWARE_VERSION = `haulproof-agent/${pkg.version}${process.env.HAULPROOF_BUILD_ID ? `+${process.env.HAULPROOF_BUILD_ID.slice(0, 12)}` : ''}`;
