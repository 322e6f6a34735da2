import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/meterscope.mjs', import.meta.url));

function meterscope(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
}

describe('bin/meterscope.mjs (a real process)', () => {
  it('exits 2 on a broken configuration and lists every error with its path', () => {
    const run = meterscope(['-c', 'examples/invalid.json', '--once']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const listed = run.stderr.split('\n').filter((l) => /^ {2}(devices|signals)\[\d+\]/.test(l));
    expect(run.stderr).toMatch(new RegExp(`the configuration has ${listed.length} errors`));
    expect(listed.length).toBeGreaterThanOrEqual(10);
    expect(run.stderr).toContain('devices[0].baudrat: is not a known field of DLMS devices; did you mean "baudrate"?');
    expect(run.stderr).toMatch(/devices\[1\]\.baudrate: 14400 is not one of 300, 600/);
    expect(run.stderr).toMatch(/signals\[2\]\.device_alias: "m33" does not name a device/);
  });

  it('prints the version from package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const run = meterscope(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`meterscope ${pkg.version}\n`);
  });

  it('exits 2 with the usage on an unknown flag', () => {
    const run = meterscope(['--frobnicate']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown option --frobnicate');
    expect(run.stderr).toContain('Usage:');
  });
});
