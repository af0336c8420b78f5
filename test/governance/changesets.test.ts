// Changeset discipline (scripts/check-changesets.js) in throw-away git repositories shaped like
// this one: a published file changed on a branch needs a changeset added since main naming its package.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { node, root, tempDir } from './run.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function repo() {
  const dir = tempDir('changesets');
  dirs.push(dir);
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  write(
    'package.json',
    json({ name: 'fixture', private: true, workspaces: ['packages/spec', 'packages/client', 'packages/internal'] }),
  );
  write('package-lock.json', json({ name: 'fixture', lockfileVersion: 3, requires: true, packages: {} }));
  mkdirSync(join(dir, '.changeset'));
  copyFileSync(join(root, '.changeset/config.json'), join(dir, '.changeset/config.json'));
  write('.changeset/README.md', 'Changesets live here.\n');
  write(
    'packages/spec/package.json',
    json({ name: '@box-docgen/spec', version: '0.1.0', files: ['openapi.json', 'openapi.yaml'] }),
  );
  write('packages/spec/openapi.json', '{}\n');
  write('packages/spec/released/openapi.json', '{}\n');
  write(
    'packages/client/package.json',
    json({
      name: '@box-docgen/client',
      version: '0.1.0',
      files: ['dist', 'src'],
      dependencies: { '@box-docgen/spec': '0.1.0' },
    }),
  );
  write('packages/client/src/index.ts', 'export const a = 1;\n');
  write('packages/client/tsconfig.json', '{}\n');
  write('packages/client/test/a.test.ts', '// test\n');
  write('packages/internal/package.json', json({ name: '@box-docgen/internal', version: '0.1.0', private: true }));
  write('packages/internal/index.js', '// not published\n');
  write('test/x.test.ts', '// root test\n');
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'Test');
  git('config', 'commit.gpgsign', 'false');
  git('add', '-A');
  git('commit', '-q', '-m', 'release 0.1.0');
  git('checkout', '-q', '-b', 'feature');
  const commit = (message = 'change') => {
    git('add', '-A');
    git('commit', '-q', '-m', message);
  };
  const check = (...args: string[]) =>
    node([join(root, 'scripts/check-changesets.js'), '--cwd', dir, ...args], { env: { CHANGESET_BASE: '' } });
  return { dir, write, git, commit, check };
}

const changeset = (releases: Record<string, string>, summary = 'A change.') =>
  `---\n${Object.entries(releases)
    .map(([name, type]) => `'${name}': ${type}`)
    .join('\n')}\n---\n\n${summary}\n`;

describe.concurrent('changeset discipline', () => {
  it('passes when nothing changed', async () => {
    const { check } = repo();
    const run = await check();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no published file of any package changed');
  });

  it('fails when a published file changed without a changeset, naming package and file', async () => {
    const { write, commit, check } = repo();
    write('packages/client/src/index.ts', 'export const a = 2;\n');
    commit();
    const run = await check();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /✖ @box-docgen\/client: packages\/client\/src\/index\.ts — no changeset added since main names @box-docgen\/client/,
    );
    expect(run.stderr).toContain('1 package(s) changed without a changeset: @box-docgen/client');
  });

  it('counts a published file deleted on the branch (npm pack no longer lists it)', async () => {
    const { write, git, commit, check } = repo();
    write('packages/client/src/extra.ts', 'export const b = 1;\n');
    commit('add extra');
    git('branch', '-f', 'main');
    git('rm', '-q', 'packages/client/src/extra.ts');
    commit('remove extra');
    const run = await check();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✖ @box-docgen\/client: packages\/client\/src\/extra\.ts/);
  });

  it('passes once a changeset added on the branch names the package', async () => {
    const { write, commit, check } = repo();
    write('packages/client/src/index.ts', 'export const a = 2;\n');
    write('.changeset/brave-fox.md', changeset({ '@box-docgen/client': 'patch' }));
    commit();
    const run = await check();
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/✔ @box-docgen\/client: .* covered by \.changeset\/brave-fox\.md/);
  });

  it('requires each changed package to be named, even though they are versioned together', async () => {
    const { write, commit, check } = repo();
    write('packages/client/src/index.ts', 'export const a = 2;\n');
    write('packages/spec/openapi.json', '{"openapi":"3.1.0"}\n');
    write('.changeset/brave-fox.md', changeset({ '@box-docgen/client': 'minor' }));
    commit();
    const run = await check();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✖ @box-docgen\/spec: packages\/spec\/openapi\.json/);
    expect(run.stdout).toMatch(/✔ @box-docgen\/client/);
  });

  it('ignores files npm does not publish: tsconfig, tests, the released baseline, private packages, root files', async () => {
    const { write, commit, check } = repo();
    write('packages/client/tsconfig.json', '{"compilerOptions":{}}\n');
    write('packages/client/test/a.test.ts', '// changed\n');
    write('packages/spec/released/openapi.json', '{"openapi":"3.1.0"}\n');
    write('packages/internal/index.js', '// changed\n');
    write('test/x.test.ts', '// changed\n');
    commit();
    const run = await check();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no published file of any package changed');
  });

  it('counts package.json changes, but not a release commit that only moves versions', async () => {
    const release = repo();
    release.write(
      'packages/client/package.json',
      json({
        name: '@box-docgen/client',
        version: '0.2.0',
        files: ['dist', 'src'],
        dependencies: { '@box-docgen/spec': '0.2.0' },
      }),
    );
    release.commit('version packages');
    expect((await release.check()).code).toBe(0);

    const feature = repo();
    feature.write(
      'packages/client/package.json',
      json({
        name: '@box-docgen/client',
        version: '0.1.0',
        files: ['dist', 'src'],
        dependencies: { '@box-docgen/spec': '0.1.0', 'openapi-fetch': '^0.17.0' },
      }),
    );
    feature.commit();
    const run = await feature.check();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('packages/client/package.json');
  });

  it('sees uncommitted and untracked changes, and says an untracked changeset does not count yet', async () => {
    const { write, check } = repo();
    write('packages/client/src/new-file.ts', 'export {};\n');
    write('.changeset/quiet-owl.md', changeset({ '@box-docgen/client': 'patch' }));
    const run = await check();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('packages/client/src/new-file.ts');
    expect(run.stdout).toContain('.changeset/quiet-owl.md is untracked');
  });

  it('counts a changeset that is staged but not committed', async () => {
    const { write, git, check } = repo();
    write('packages/client/src/index.ts', 'export const a = 3;\n');
    write('.changeset/quiet-owl.md', changeset({ '@box-docgen/client': 'patch' }));
    git('add', '.changeset/quiet-owl.md');
    const run = await check();
    expect(run.code).toBe(0);
  });

  it('does not count a changeset that was already on main', async () => {
    const { write, git, commit, check } = repo();
    git('checkout', '-q', 'main');
    write('.changeset/old.md', changeset({ '@box-docgen/client': 'patch' }, 'Older change.'));
    commit('older change');
    git('checkout', '-q', '-b', 'feature-2');
    write('packages/client/src/index.ts', 'export const a = 4;\n');
    commit();
    const run = await check();
    expect(run.code).toBe(1);
  });

  it('takes the base from --base or CHANGESET_BASE', async () => {
    const { write, git, commit, check, dir } = repo();
    write('packages/client/src/index.ts', 'export const a = 2;\n');
    commit();
    git('branch', 'release');
    expect((await check('--base', 'release')).code).toBe(0);
    const viaEnv = await node([join(root, 'scripts/check-changesets.js'), '--cwd', dir], {
      env: { CHANGESET_BASE: 'release' },
    });
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.stdout).toContain('since release');
  });

  it('stops with exit code 2 when the base does not exist', async () => {
    const { check } = repo();
    const run = await check('--base', 'origin/nowhere');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('base ref origin/nowhere does not exist');
  });
});
