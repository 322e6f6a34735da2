/**
 * Exercises SerialLink on a socat pty pair and prints what happened as one JSON line. Run in a child
 * process by serial-link.test.ts: the serialport binding's poller must not live in a Vitest worker
 * thread, whose teardown it does not survive.
 *
 * Usage: node --import tsx src/transports/node/serial-pty-exercise.ts <pty-a> <pty-b>
 */
import { LINE_300_7E1, LINE_9600_8N1 } from '../../core/link';
import { toMeterError } from '../../core/errors';
import { SerialLink } from './serial-link';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readN(link: SerialLink, n: number): Promise<string> {
  let out = '';
  for (let i = 0; i < 50 && out.length < n; i++) out += text(await link.read(200));
  return out;
}

async function exercise(a: string, b: string): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  const client = await SerialLink.open({ path: a, line: LINE_300_7E1, dtr: true, rts: true });
  const meter = await SerialLink.open({ path: b, line: LINE_300_7E1 });
  try {
    result.kind = client.kind;
    await client.write(bytes('/?!\r\n'));
    result.signOn = await readN(meter, 5);

    // Bytes that arrived before a frame-format change (close + reopen) are still there afterwards.
    await meter.write(bytes('kept'));
    for (let i = 0; i < 100 && client.pending < 4; i++) await sleep(20);
    await client.setLine(LINE_9600_8N1);
    result.lineAfterReopen = client.line;
    result.keptAcrossReopen = await readN(client, 4);

    await client.setLine({ ...LINE_9600_8N1, baudRate: 19200 });
    result.baudAfterUpdate = client.line.baudRate;
    await meter.write(bytes('after'));
    result.afterUpdate = await readN(client, 5);

    const t0 = performance.now();
    result.silentRead = (await client.read(80)).length;
    result.silentReadMs = Math.round(performance.now() - t0);
  } finally {
    await client.close();
    await meter.close();
  }
  try {
    await client.read(10);
    result.readAfterClose = 'resolved';
  } catch (e) {
    result.readAfterClose = toMeterError(e).code;
  }
  return result;
}

const args = process.argv.slice(2);
exercise(args[0], args[1]).then(
  (r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (e: unknown) => {
    process.stdout.write(`${JSON.stringify({ error: toMeterError(e).message })}\n`);
    process.exit(1);
  },
);
