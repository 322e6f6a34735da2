import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// bin/meterscope.mjs chooses between the build (build/cli/) and the sources through tsx. Checked in a
// throw-away tree with a stand-in build and stand-in sources that say which one ran.

const repo = fileURLToPath(new URL('../../', import.meta.url));
const tree = mkdtempSync(join(tmpdir(), 'meterscope-bin-'));
mkdirSync(join(tree, 'bin'));
mkdirSync(join(tree, 'build', 'cli'), { recursive: true });
mkdirSync(join(tree, 'src', 'cli'), { recursive: true });
copyFileSync(join(repo, 'bin', 'meterscope.mjs'), join(tree, 'bin', 'meterscope.mjs'));
symlinkSync(join(repo, 'node_modules'), join(tree, 'node_modules'));
writeFileSync(join(tree, 'package.json'), '{ "type": "module" }\n');
writeFileSync(join(tree, 'build', 'cli', 'main.mjs'), "process.stdout.write('build');\n");
writeFileSync(join(tree, 'src', 'cli', 'main.ts'), "const from: string = 'sources';\nprocess.stdout.write(from);\n");
writeFileSync(join(tree, 'src', 'cli', 'other.ts'), 'export {};\n');

const past = new Date(Date.now() - 60_000);
function manifest(builtAt: number, inputs = ['src/cli/main.ts', 'src/cli/other.ts']) {
  writeFileSync(join(tree, 'build', 'cli', 'inputs.json'), JSON.stringify({ builtAt, inputs }));
}
function ran(env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [join(tree, 'bin', 'meterscope.mjs')], { cwd: tree, env: { ...process.env, METERSCOPE_FROM_SOURCE: '', ...env }, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

afterAll(() => rmSync(tree, { recursive: true, force: true }));

describe('bin/meterscope.mjs: the build or the sources', { timeout: 60_000 }, () => {
  it('runs the build when every source is older than it', () => {
    for (const f of ['main.ts', 'other.ts']) utimesSync(join(tree, 'src', 'cli', f), past, past);
    manifest(Date.now());
    expect(ran()).toBe('build');
  });

  it('runs the sources through tsx when one source is newer than the build, or on request', () => {
    manifest(past.getTime() - 60_000);
    expect(ran()).toBe('sources');
    manifest(Date.now());
    expect(ran({ METERSCOPE_FROM_SOURCE: '1' })).toBe('sources');
  });

  it('runs the sources when a source the build lists is gone, or the build lists nothing readable', () => {
    manifest(Date.now(), ['src/cli/main.ts', 'src/cli/gone.ts']);
    expect(ran()).toBe('sources');
    writeFileSync(join(tree, 'build', 'cli', 'inputs.json'), '{ not json');
    expect(ran()).toBe('sources');
  });

  it('an installed package (no sources next to it) runs its build', () => {
    manifest(past.getTime() - 60_000);
    rmSync(join(tree, 'src'), { recursive: true });
    expect(ran()).toBe('build');
  });
});

describe('the real build', { timeout: 120_000 }, () => {
  it('builds, and the bundle answers --version, --help and a read of a broken configuration on its own', () => {
    const b = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: repo, encoding: 'utf8', timeout: 120_000 });
    expect(b.status, b.stderr).toBe(0);
    const main = join(repo, 'build', 'cli', 'main.mjs');
    const version = spawnSync(process.execPath, [main, '--version'], { cwd: repo, encoding: 'utf8' });
    expect(version.stdout).toMatch(/^meterscope \d+\.\d+\.\d+\n$/);
    expect(spawnSync(process.execPath, [main, '--help'], { cwd: repo, encoding: 'utf8' }).stdout).toContain('Usage:');
    // The reader is a chunk of its own, loaded for a read.
    const read = spawnSync(process.execPath, [main, '-c', 'examples/invalid.json', '--once'], { cwd: repo, encoding: 'utf8' });
    expect(read.status).toBe(2);
    expect(read.stderr).toMatch(/the configuration has \d+ errors/);
  });
});
