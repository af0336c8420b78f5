// Moves the breaking-change baseline: copies the bundled spec (packages/spec/openapi.json) to
// packages/spec/released/openapi.json. Runs as part of `npm run version-packages`, in the same
// commit that consumes the changesets and bumps the versions, so the baseline is always the
// spec of the latest release and a pending major changeset is needed only for changes after it.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const from = join(root, 'packages/spec/openapi.json');
const to = join(root, 'packages/spec/released/openapi.json');
mkdirSync(dirname(to), { recursive: true });
copyFileSync(from, to);
const { version } = JSON.parse(readFileSync(join(root, 'packages/spec/package.json'), 'utf8'));
console.log(`released baseline is now the bundle of @box-docgen/spec ${version}: packages/spec/released/openapi.json`);
