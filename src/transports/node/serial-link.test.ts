import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeterError } from '../../core/errors';
import { LINE_300_7E1, LINE_9600_8N1 } from '../../core/link';
import { SerialLink } from './serial-link';

describe('SerialLink without hardware', () => {
  it('a missing port is NO_ANSWER with a plain message naming the path', async () => {
    const err = await SerialLink.open({ path: '/dev/meterscope-no-such-port', line: LINE_300_7E1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeterError);
    expect(err).toMatchObject({ code: 'NO_ANSWER' });
    expect((err as MeterError).message).toContain('/dev/meterscope-no-such-port');
    expect((err as MeterError).message).toMatch(/does not exist/);
  });

  it('refuses data bits it cannot carry before touching the port', async () => {
    const err = await SerialLink.open({ path: '/dev/null', line: { ...LINE_9600_8N1, dataBits: 9 as 8 } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNSUPPORTED' });
  });
});

/** Two pseudo terminals joined by socat: a real tty pair to open with serialport (Linux, socat installed). */
const haveSocat = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;

describe.runIf(haveSocat)('SerialLink over a socat pty pair', () => {
  let socat: ChildProcess;
  let dir: string;
  let a: string;
  let b: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meterscope-pty-'));
    a = join(dir, 'a');
    b = join(dir, 'b');
    socat = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(existsSync(a) && existsSync(b)); i++) await new Promise((r) => setTimeout(r, 20));
    if (!existsSync(a) || !existsSync(b)) throw new Error('socat did not create the pty pair');
  });

  afterAll(() => {
    socat?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('carries bytes, switches baud and frame format without losing received bytes, and closes', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'serial-pty-exercise.ts'), a, b], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    expect(result).toMatchObject({
      kind: 'serial',
      signOn: '/?!\r\n',
      lineAfterReopen: LINE_9600_8N1,
      keptAcrossReopen: 'kept',
      baudAfterUpdate: 19200,
      afterUpdate: 'after',
      silentRead: 0,
      readAfterClose: 'PORT_LOST',
    });
    expect(result.silentReadMs).toBeGreaterThanOrEqual(60);
    expect(run.status).toBe(0);
  });
});
