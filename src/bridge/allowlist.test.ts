import { describe, expect, it } from 'vitest';
import { isAllowed, parseAllowRule, parseIPv4, parseTarget } from './allowlist';

describe('allowlist rules', () => {
  it('parses host:port and cidr:port, refusing anything vaguer', () => {
    expect(parseAllowRule('192.168.1.50:4059')).toMatchObject({ kind: 'host', host: '192.168.1.50', port: 4059 });
    expect(parseAllowRule('Meter-7.lan:502')).toMatchObject({ kind: 'host', host: 'meter-7.lan', port: 502 });
    expect(parseAllowRule('10.1.2.3/24:4059')).toMatchObject({ kind: 'cidr', network: parseIPv4('10.1.2.0'), prefix: 24, port: 4059 });
    for (const bad of ['192.168.1.50', '192.168.1.50:0', '192.168.1.50:70000', 'host:*', '10.0.0.0/33:1', '10.0.0/8:1', ':4059', '[::1]:4059', 'a b:1', '300.1.1.1/8:1', '010.1.1.1:1', '0x7f.0.0.1:1', '127.1:80']) {
      expect(() => parseAllowRule(bad), bad).toThrow();
    }
  });

  it('parses targets (IPv4 or names only)', () => {
    expect(parseTarget('127.0.0.1:4059')).toEqual({ host: '127.0.0.1', port: 4059 });
    expect(() => parseTarget('http://x')).toThrow();
    expect(() => parseTarget('127.0.0.1')).toThrow();
    expect(() => parseTarget('::1:80')).toThrow();
  });

  it('matches exact hosts on the name or the resolved address, networks on the address, ports exactly', () => {
    const rules = ['meter.lan:4059', '192.168.7.10:502', '10.20.0.0/16:4059', '0.0.0.0/0:7'].map(parseAllowRule);
    const t = (s: string) => parseTarget(s);
    expect(isAllowed(rules, t('meter.lan:4059'), '172.16.0.9')?.text).toBe('meter.lan:4059');
    expect(isAllowed(rules, t('meter.lan:4060'), '172.16.0.9')).toBeUndefined();
    expect(isAllowed(rules, t('plc.lan:502'), '192.168.7.10')?.text).toBe('192.168.7.10:502');
    expect(isAllowed(rules, t('10.20.255.1:4059'), '10.20.255.1')?.text).toBe('10.20.0.0/16:4059');
    expect(isAllowed(rules, t('10.21.0.1:4059'), '10.21.0.1')).toBeUndefined();
    // A name is judged by where it resolves: pointing a name into the network does not widen it.
    expect(isAllowed(rules, t('evil.example:4059'), '10.20.1.1')?.text).toBe('10.20.0.0/16:4059');
    expect(isAllowed(rules, t('evil.example:4059'), '127.0.0.1')).toBeUndefined();
    expect(isAllowed(rules, t('1.2.3.4:7'), '1.2.3.4')?.text).toBe('0.0.0.0/0:7');
  });
});
