import { describe, expect, it } from 'vitest';
import { parseArgs, type ReadCommand } from './args';

const read = (...argv: string[]): ReadCommand => {
  const r = parseArgs(['-c', 's.json', ...argv]);
  if (!r.ok || r.value.command !== 'read') throw new Error(r.ok ? 'not a read' : r.error);
  return r.value;
};
const error = (...argv: string[]) => {
  const r = parseArgs(['-c', 's.json', ...argv]);
  if (r.ok) throw new Error('accepted');
  return r.error;
};

describe('MQTT and shard options', () => {
  it('defaults: prefix meterscope, QoS 1, no retain, spool 100000, quiet stdout', () => {
    expect(read('--mqtt', 'mqtt://localhost').mqtt).toEqual({ url: 'mqtt://localhost', prefix: 'meterscope', qos: 1, retain: false, haDiscovery: false, spoolMax: 100_000, print: false });
    expect(read().mqtt).toBeUndefined();
  });

  it('every option, = form too', () => {
    const c = read('--mqtt=mqtts://b:8883', '--mqtt-prefix', 'site/a', '--mqtt-qos=2', '--mqtt-retain', '--ha-discovery', '--mqtt-ca', 'ca.pem', '--mqtt-cert', 'c.pem', '--mqtt-key', 'k.pem', '--mqtt-credentials-file', 'cred', '--spool-max', '5', '--poller-id', 'p-1', '--shard', '2/4', '--format', 'jsonl');
    expect(c.mqtt).toEqual({ url: 'mqtts://b:8883', prefix: 'site/a', qos: 2, retain: true, haDiscovery: true, ca: 'ca.pem', cert: 'c.pem', key: 'k.pem', credentialsFile: 'cred', spoolMax: 5, pollerId: 'p-1', print: true });
    expect(c.shard).toEqual({ index: 2, count: 4 });
    for (const scheme of ['mqtt', 'mqtts', 'ws', 'wss']) expect(read('--mqtt', `${scheme}://h/mqtt`).mqtt?.url).toBe(`${scheme}://h/mqtt`);
  });

  it.each([
    [['--mqtt', 'http://h'], /"http:" is not one of mqtt:\/\//],
    [['--mqtt', 'localhost'], /is not a URL/],
    [['--mqtt', 'mqtt://user:secret@h'], /credentials do not belong on the command line/],
    [['--mqtt', 'mqtt://h', '--mqtt-qos', '3'], /--mqtt-qos: "3" is not 0, 1 or 2/],
    [['--shard', '4/4'], /shard 4 of 4 does not exist/],
    [['--shard', '1/0'], /is not I\/N/],
    [['--shard', 'a/b'], /is not I\/N/],
    [['--ha-discovery'], /--ha-discovery needs --mqtt URL/],
    [['--mqtt', 'mqtt://h', '--mqtt-ca', 'ca.pem'], /needs a TLS broker URL/],
    [['--mqtt', 'mqtts://h', '--mqtt-cert', 'c.pem'], /go together/],
    [['--mqtt', 'mqtt://h', '--spool-max', '0'], /--spool-max: "0"/],
    [['--mqtt', 'mqtt://h', '--mqtt-prefix', 'a/#'], /not a topic prefix/],
    [['--mqtt', 'mqtt://h', '--mqtt-prefix', '$SYS'], /not a topic prefix/],
    [['--mqtt', 'mqtt://h', '--poller-id', 'a b'], /--poller-id/],
    [['--mqtt', 'mqtt://h', '--mqtt', 'mqtt://g'], /given twice/],
    [['--mqtt', 'mqtt://h', '--mqtt-retain=yes'], /takes no value/],
  ])('%j is refused', (argv, message) => {
    const e = error(...argv);
    expect(e).toMatch(message);
    expect(e).not.toContain('secret');
  });
});
