/**
 * Node entry point of the `meterscope` command (bin/meterscope.mjs runs it through tsx): connects
 * runCli to argv, the standard streams, the file system and SIGINT/SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import { runCli } from './commands';

const stop = new AbortController();
let interrupts = 0;
const onSignal = () => {
  // A second Ctrl+C while stopping means "now": do not wait for meters to say goodbye.
  if (++interrupts > 1) process.exit(130);
  stop.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const write = (stream: NodeJS.WriteStream) => (text: string) => {
  if (text !== '') stream.write(text);
};

runCli(process.argv.slice(2), { stdout: write(process.stdout), stderr: write(process.stderr) }, {
  readFile: (path) => readFile(path, 'utf8'),
  stop: stop.signal,
}).then(
  (code) => {
    // Everything is closed by now; exit explicitly so a stray timer cannot hold the command open.
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  },
  (e: unknown) => {
    process.stderr.write(`meterscope: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
