import { describe, expect, it } from 'vitest';
import { parseArgs, type CliCommand } from './args';

function ok(argv: string[]): CliCommand {
  const r = parseArgs(argv);
  if (!r.ok) throw new Error(`expected success, got: ${r.error}`);
  return r.value;
}

function fails(argv: string[]): string {
  const r = parseArgs(argv);
  if (r.ok) throw new Error(`expected a usage error for ${argv.join(' ')}`);
  return r.error;
}

describe('parseArgs: reading', () => {
  it('has defaults: jsonl, polling, debug 1, no port, no map', () => {
    expect(ok(['-c', 'x.json'])).toEqual({ command: 'read', config: 'x.json', debug: 1, once: false, format: 'jsonl', map: new Map() });
  });

  it('takes every flag in short, long, glued and = forms', () => {
    const a = ok(['-c', 'a.json', '-d', '7', '-p', 'PORT1', '--once', '--format', 'csv', '--map', 'PORT1=/dev/ttyUSB0', '--map', 'PORT2=/dev/ttyUSB1']);
    expect(a).toEqual({
      command: 'read',
      config: 'a.json',
      debug: 7,
      port: 'PORT1',
      once: true,
      format: 'csv',
      map: new Map([
        ['PORT1', '/dev/ttyUSB0'],
        ['PORT2', '/dev/ttyUSB1'],
      ]),
    });
    expect(ok(['--config=b.json', '-d7', '--port=127.0.0.1:4059', '--format=table'])).toMatchObject({
      config: 'b.json',
      debug: 7,
      port: '127.0.0.1:4059',
      format: 'table',
    });
    expect(ok(['--config', 'c.json', '--debug', '0', '--port', '/dev/ttyUSB0'])).toMatchObject({ config: 'c.json', debug: 0, port: '/dev/ttyUSB0' });
    expect(ok(['-cd.json'])).toMatchObject({ config: 'd.json' });
  });

  it('help and version win over everything else', () => {
    expect(ok(['-h'])).toEqual({ command: 'help' });
    expect(ok(['--help'])).toEqual({ command: 'help' });
    expect(ok(['-V'])).toEqual({ command: 'version' });
    expect(ok(['--version'])).toEqual({ command: 'version' });
    expect(ok(['-c', 'x.json', '--help'])).toEqual({ command: 'help' });
  });

  it('rejects what it does not understand, saying what', () => {
    expect(fails([])).toMatch(/configuration is required/);
    expect(fails(['--once'])).toMatch(/configuration is required/);
    expect(fails(['-c'])).toMatch(/-c needs a value/);
    expect(fails(['-c', '--once'])).toMatch(/-c needs a value/);
    expect(fails(['-c', 'x', '-d', '8'])).toMatch(/not a debug level/);
    expect(fails(['-c', 'x', '-d', 'high'])).toMatch(/not a debug level/);
    expect(fails(['-c', 'x', '--format', 'xml'])).toMatch(/jsonl, csv, table/);
    expect(fails(['-c', 'x', '--map', 'PORT1'])).toMatch(/NAME=PATH/);
    expect(fails(['-c', 'x', '--map', '=/dev/x'])).toMatch(/NAME=PATH/);
    expect(fails(['-c', 'x', '--map', 'P=/a', '--map', 'P=/b'])).toMatch(/mapped twice/);
    expect(fails(['-c', 'x', '--bogus'])).toMatch(/unknown option --bogus/);
    expect(fails(['-c', 'x', 'extra'])).toMatch(/unexpected argument "extra"/);
    expect(fails(['-c', 'x', '--once=yes'])).toMatch(/takes no value/);
    expect(fails(['-c', 'x', '-p', ''])).toMatch(/needs a port name/);
  });
});

describe('parseArgs: sim', () => {
  it('defaults to loopback and the ports of examples/sim.json', () => {
    expect(ok(['sim'])).toEqual({ command: 'sim', host: '127.0.0.1', basePort: 4059, debug: 1 });
  });

  it('takes --host, --base-port and -d', () => {
    expect(ok(['sim', '--host', '0.0.0.0', '--base-port=5000', '-d', '4'])).toEqual({ command: 'sim', host: '0.0.0.0', basePort: 5000, debug: 4 });
  });

  it('rejects bad ports and unknown options', () => {
    expect(fails(['sim', '--base-port', '0'])).toMatch(/not a TCP port/);
    expect(fails(['sim', '--base-port', '70000'])).toMatch(/not a TCP port/);
    expect(fails(['sim', '--base-port', '65534'])).toMatch(/no room/);
    expect(fails(['sim', '--once'])).toMatch(/unknown option --once/);
    expect(fails(['sim', 'now'])).toMatch(/unexpected argument/);
  });
});
