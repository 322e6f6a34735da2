import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportConfigText, parseConfigText } from './text';
import type { ValidationResult } from './types';
import { validateConfig, validateDevice, validateSignal } from './validate';

const example: unknown = JSON.parse(readFileSync(new URL('../../examples/wcc-lite.json', import.meta.url), 'utf8'));

function wellFormed(r: ValidationResult): void {
  if (r.ok) {
    expect(Array.isArray(r.config.devices)).toBe(true);
    expect(Array.isArray(r.config.signals)).toBe(true);
    return;
  }
  expect(r.errors.length).toBeGreaterThan(0);
  for (const e of r.errors) {
    expect(typeof e.path).toBe('string');
    expect(typeof e.message).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Replace, delete or duplicate something at a random place in a JSON document. */
function mutate(doc: Json, choices: number[], replacement: Json): Json {
  const copy = structuredClone(doc);
  let node: Json = copy;
  for (let step = 0; step < choices.length; step++) {
    const c = choices[step];
    const last = step === choices.length - 1;
    if (Array.isArray(node)) {
      if (node.length === 0) return copy;
      const i = c % node.length;
      if (last || typeof node[i] !== 'object' || node[i] === null) {
        if (c % 3 === 0) node.splice(i, 1);
        else if (c % 3 === 1) node.push(structuredClone(node[i]));
        else node[i] = replacement;
        return copy;
      }
      node = node[i];
    } else if (node !== null && typeof node === 'object') {
      const keys = Object.keys(node);
      if (keys.length === 0) return copy;
      const k = keys[c % keys.length];
      if (last || typeof node[k] !== 'object' || node[k] === null) {
        if (c % 3 === 0) delete node[k];
        else if (c % 3 === 1) node[`${k}x`] = node[k];
        else node[k] = replacement;
        return copy;
      }
      node = node[k];
    } else return copy;
  }
  return copy;
}

describe('never throws', () => {
  it('for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        wellFormed(validateConfig(v));
        wellFormed(validateConfig({ devices: [v], signals: [v] }));
        expect(() => validateDevice(v)).not.toThrow();
        expect(() => validateSignal(v, { devices: [v], signals: [v] })).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
  it('for any text', () => {
    fc.assert(
      fc.property(fc.string(), (t) => wellFormed(parseConfigText(t))),
      { numRuns: 500 },
    );
  });
  it('for mutated valid configurations, and valid mutants round-trip', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), (choices, replacement) => {
        const doc = mutate(example as Json, choices, replacement as Json);
        const r = validateConfig(doc);
        wellFormed(r);
        // Equal as JSON: a generated -0 has no JSON form (it is written as 0).
        if (r.ok) expect(JSON.parse(exportConfigText(r.raw, { includeSecrets: true }))).toEqual(JSON.parse(JSON.stringify(doc)));
        const text = parseConfigText(JSON.stringify(doc));
        expect(text.ok).toBe(r.ok);
      }),
      { numRuns: 500 },
    );
  });
  it('for objects that are not JSON at all', () => {
    const hostile: unknown[] = [
      undefined,
      Symbol('x'),
      () => 1,
      10n,
      new Map(),
      Object.create(null),
      JSON.parse('{"devices": [{"__proto__": {"protocol": "DLMS"}, "constructor": 1, "toString": 2}], "signals": []}'),
      { devices: new Proxy([], { get: () => { throw new Error('boom'); } }) },
      { get devices() { throw new Error('getter'); } },
    ];
    const cyclic: Record<string, unknown> = { devices: [] };
    (cyclic.devices as unknown[]).push(cyclic);
    hostile.push(cyclic);
    for (const h of hostile) {
      wellFormed(validateConfig(h));
      expect(() => validateDevice(h)).not.toThrow();
      expect(() => validateSignal(h, { devices: [h] })).not.toThrow();
    }
  });
});

describe('secrets never appear in messages', () => {
  const secretFields = ['password', 'block_cipher_key', 'authentication_key', 'dedicated_key', 'ecdsa_private_key'];
  it('whatever shape the secret has and whatever else is wrong', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...secretFields),
        fc.string({ maxLength: 30 }),
        fc.constantFrom('string', 'array', 'object', 'pem'),
        fc.constantFrom('None', 'Low', 'HighGmac', 'HighEcdsa', 'bogus'),
        fc.constantFrom(0, 1, 2, 9),
        (field, tail, shape, auth, suite) => {
          const secret = `S3CR3T${tail}`;
          const value = shape === 'string' ? secret : shape === 'array' ? [secret] : shape === 'object' ? { v: secret } : `-----BEGIN KEY-----\n${secret}`;
          const device = { name: 'm', device_alias: 'm', protocol: 'DLMS', device: 'P1', client_address: 16, auth, security_suite: suite, [field]: value };
          const r = validateConfig({ devices: [device, { ...device, protocol: 'Elgama' }, { ...device, protocol: 'IEC 62056-21' }] });
          expect(JSON.stringify(r.ok ? [] : r.errors)).not.toContain('S3CR3T');
        },
      ),
      { numRuns: 300 },
    );
  });
});
