// The JWT sign-in on WebCrypto alone, in each server runtime: @box-docgen/client/auth bundled
// into one ES module (no Node built-in can sneak in: esbuild targets the browser platform), run
// by Node, Deno and Bun against a token endpoint on loopback here. The key is encrypted PKCS#8
// (what Box's Developer Console downloads), so each runtime decrypts it with its own WebCrypto.
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../../scripts/lib/workspaces.js';
import { issued, useTokenServers } from '../auth/token-server.js';
import { bun, deno, root, run, TEST_TIMEOUT } from './helpers.js';

const serve = useTokenServers();
const passphrase = 'runtime passphrase';
const { publicKey, privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase },
});
const config = {
  boxAppSettings: {
    clientID: 'rt-client',
    clientSecret: 'rt-secret',
    appAuth: { publicKeyID: 'kid-rt', privateKey, passphrase },
  },
  enterpriseID: '99',
};

const dir = mkdtempSync(join(tmpdir(), 'box-docgen-auth-runtimes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await build({
    entryPoints: [join(root, 'packages/client/dist/auth.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile: join(dir, 'auth.mjs'),
    logLevel: 'silent',
  });
  // The config is a module beside it (so no key is on a command line); the token URL's base
  // comes from argv. Prints the token it was given.
  writeFileSync(join(dir, 'config.mjs'), `export default ${JSON.stringify(JSON.stringify(config))};\n`);
  writeFileSync(
    join(dir, 'main.mjs'),
    `import { jwt } from './auth.mjs';
import config from './config.mjs';
const [authBaseUrl] = globalThis.Deno ? Deno.args : process.argv.slice(2);
console.log('TOKEN ' + await jwt(config, { authBaseUrl })({ forceRefresh: false }));
`,
  );
});

const runtimes = [
  ['node', () => process.execPath, [] as string[]],
  ['deno', () => deno().path, ['run', '--allow-net=127.0.0.1', '--allow-read']],
  ['bun', () => bun().path, []],
] as const;

describe.each(runtimes)('jwt on %s', (name, path, flags) => {
  it(
    'decrypts the key with WebCrypto and signs an assertion Box would accept',
    async () => {
      const server = await serve(() => issued(`tok-${name}-12345678`));
      const result = await run(path(), [...flags, 'main.mjs', server.url], {
        cwd: dir,
        env: cleanEnv({ DENO_DIR: join(dir, '.deno'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }),
      });
      expect(result.stdout).toContain(`TOKEN tok-${name}-12345678`);
      const [header, claims, signature] = server.received[0]!.form.assertion!.split('.');
      expect(
        verify(
          'sha256',
          Buffer.from(`${header}.${claims}`),
          createPublicKey(publicKey),
          Buffer.from(signature!, 'base64url'),
        ),
      ).toBe(true);
    },
    TEST_TIMEOUT,
  );
});
