import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportConfigText, locateJsonError, parseConfigText } from './text';

describe('parseConfigText', () => {
  it('reports a syntax error as one issue at path "" with line and column', () => {
    const r = parseConfigText('{\n  "devices": [,]\n}');
    expect(r).toEqual({ ok: false, errors: [{ path: '', message: 'is not valid JSON: line 2, column 15: expected a value but found ","' }] });
  });
  it('explains trailing commas, single quotes, and unclosed text', () => {
    expect(locateJsonError('{"a": 1,}')?.message).toMatch(/remove the comma/);
    expect(locateJsonError('[1,]')?.message).toMatch(/remove the comma/);
    expect(locateJsonError("{'a': 1}")?.message).toMatch(/field name in double quotes/);
    expect(locateJsonError('{"a": \'x\'}')?.message).toMatch(/double quotes/);
    expect(locateJsonError('{"a": "x')).toMatchObject({ line: 1, column: 9 });
    expect(locateJsonError('')?.message).toMatch(/end of the text/);
    expect(locateJsonError('{} x')?.message).toMatch(/end of the document/);
  });
  it('agrees with JSON.parse on what is valid', () => {
    for (const t of ['{}', '[1, -2.5e3, "a\\u00e9\\n", true, false, null]', ' {"a": {"b": []}} ']) {
      expect(() => JSON.parse(t)).not.toThrow();
      expect(locateJsonError(t)).toBeUndefined();
    }
  });
  it('never quotes the text of a broken document (it may hold a password)', () => {
    const r = parseConfigText('{"devices": [{"password": "hunter2-secret}]}');
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });
  it('accepts a UTF-8 byte order mark', () => {
    expect(parseConfigText('\ufeff{"devices": []}').ok).toBe(true);
  });
  it('validates parsed documents', () => {
    const r = parseConfigText('{"devices": [], "signals": [1]}');
    expect(!r.ok && r.errors[0].path).toBe('signals[0]');
  });
});

describe('exportConfigText', () => {
  it('pretty-prints with two spaces and a final newline', () => {
    expect(exportConfigText({ devices: [{ client_address: '0x10' }] })).toBe('{\n  "devices": [\n    {\n      "client_address": "0x10"\n    }\n  ]\n}\n');
  });
  it('exports undefined as null', () => {
    expect(exportConfigText(undefined)).toBe('null\n');
  });
  it('leaves passwords and keys out unless the user chooses to include them', () => {
    const doc = {
      devices: [
        { device_alias: 'a', protocol: 'DLMS', auth: 'HighGmac', password: 'pw123456', system_title: '4d4d4d0000000001', block_cipher_key: '000102030405060708090a0b0c0d0e0f', authentication_key: 'd0d1d2d3d4d5d6d7d8d9dadbdcdddedf' },
        { device_alias: 'b', protocol: 'IEC 62056-21', password: '00003141' },
      ],
      signals: [{ signal_alias: 's', password: 'not a device field' }],
    };
    const safe = exportConfigText(doc);
    for (const secret of ['pw123456', '000102030405060708090a0b0c0d0e0f', 'd0d1d2d3d4d5d6d7d8d9dadbdcdddedf', '00003141']) expect(safe).not.toContain(secret);
    expect(JSON.parse(safe).devices[0]).toEqual({ device_alias: 'a', protocol: 'DLMS', auth: 'HighGmac', system_title: '4d4d4d0000000001' });
    expect(JSON.parse(safe).signals).toEqual(doc.signals);
    expect(JSON.parse(exportConfigText(doc, { includeSecrets: true }))).toEqual(doc);
  });
});

describe('duplicate keys', () => {
  it('are reported with their path, along with the other errors', () => {
    const text = '{"devices": [{"name": "a", "device_alias": "a", "protocol": "IEC 62056-21", "device": "P1", "baudrate": 9600, "baudrate": 300}], "signals": [{"x": 1}]}';
    const r = parseConfigText(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toEqual({ path: 'devices[0].baudrate', message: expect.stringMatching(/more than once/) });
    expect(r.errors.length).toBeGreaterThan(1);
  });
  it('quote odd keys and are allowed in different objects', () => {
    const r = parseConfigText('{"devices": [], "signals": [], "a b": 1, "a b": 2}');
    expect(!r.ok && r.errors[0].path).toBe('["a b"]');
    expect(parseConfigText('{"devices": [{"x": 1}, {"x": 1}]}').ok).toBe(false);
  });
});

describe('locateJsonError agrees with JSON.parse', () => {
  const parses = (t: string) => {
    try {
      JSON.parse(t);
      return true;
    } catch {
      return false;
    }
  };
  it('on any JSON document', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 4 }), (v, indent) => locateJsonError(JSON.stringify(v, null, indent)) === undefined));
  });
  it('on damaged JSON and random text', () => {
    const damaged = fc
      .tuple(fc.jsonValue(), fc.nat(), fc.constantFrom('', ',', '"', '}', ']', '\\', '\n', '0', 'x', '{', '['))
      .map(([v, at, ch]) => {
        const t = JSON.stringify(v) ?? 'null';
        const k = at % (t.length + 1);
        return t.slice(0, k) + ch + t.slice(k + 1);
      });
    fc.assert(fc.property(fc.oneof(damaged, fc.string()), (t) => parses(t) === (locateJsonError(t) === undefined)), { numRuns: 1000 });
  });
});
