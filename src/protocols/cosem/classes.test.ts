import { describe, expect, it } from 'vitest';
import { MeterError } from '../../core/errors';
import { attributeName, cosemClass, isDateTimeAttribute, knownClasses, methodName, scalerAttributeFor, snAttributeAddress, snMethodAddress } from './classes';

describe('COSEM classes', () => {
  it('covers the classes the client, the simulator and the UI need', () => {
    const ids = knownClasses().map((c) => c.id);
    for (const id of [1, 3, 4, 5, 6, 7, 8, 9, 11, 12, 15, 17, 19, 20, 21, 22, 23, 40, 41, 42, 64, 70]) expect(ids).toContain(id);
    for (const c of knownClasses()) {
      expect(c.attributes[0]).toEqual({ id: 1, name: 'logical_name' });
      c.attributes.forEach((a, i) => expect(a.id).toBe(i + 1));
    }
  });

  it('names attributes and methods', () => {
    expect(cosemClass(3)?.name).toBe('Register');
    expect(attributeName(3, 3)).toBe('scaler_unit');
    expect(attributeName(5, 4)).toBe('scaler_unit');
    expect(attributeName(7, 3)).toBe('capture_objects');
    expect(attributeName(8, 2)).toBe('time');
    expect(attributeName(15, 2)).toBe('object_list');
    expect(attributeName(23, 9)).toBe('device_address');
    expect(attributeName(70, 2)).toBe('output_state');
    expect(attributeName(999, 2)).toBe('attribute 2');
    expect(methodName(15, 1)).toBe('reply_to_HLS_authentication');
    expect(methodName(12, 8)).toBe('reply_to_HLS_authentication');
    expect(methodName(70, 1)).toBe('remote_disconnect');
    expect(cosemClass(4)?.attributes.length).toBe(5);
    expect(cosemClass(5)?.attributes.length).toBe(9);
    expect(cosemClass(8)?.attributes.length).toBe(9);
  });

  it('computes short-name addresses', () => {
    expect(snAttributeAddress(0xfa00, 2)).toBe(0xfa08);
    expect(snAttributeAddress(0x1000, 1)).toBe(0x1000);
    expect(snAttributeAddress(0x1000, 3)).toBe(0x1010);
    expect(() => snAttributeAddress(0x1000, 0)).toThrow(MeterError);
    expect(snMethodAddress(0x2000, 3, 1)).toBe(0x2028); // Register reset
    expect(snMethodAddress(0x2000, 8, 1)).toBe(0x2060); // Clock adjust_to_quarter
    expect(snMethodAddress(0x2000, 8, 6)).toBe(0x2088); // Clock shift_time
    expect(snMethodAddress(0xfa00, 12, 8)).toBe(0xfa58); // reply_to_HLS_authentication
    expect(snMethodAddress(0x3000, 7, 2)).toBe(0x3060); // Profile generic capture
    expect(() => snMethodAddress(0x1000, 1, 1)).toThrow(/not known/);
    expect(() => snMethodAddress(0x1000, 3, 2)).toThrow(MeterError);
  });

  it('says which attribute carries the scaler', () => {
    expect(scalerAttributeFor(3, 2)).toBe(3);
    expect(scalerAttributeFor(4, 2)).toBe(3);
    expect(scalerAttributeFor(5, 2)).toBe(4);
    expect(scalerAttributeFor(5, 3)).toBe(4);
    expect(scalerAttributeFor(1, 2)).toBeUndefined();
    expect(scalerAttributeFor(3, 3)).toBeUndefined();
    expect(isDateTimeAttribute(8, 2)).toBe(true);
    expect(isDateTimeAttribute(4, 5)).toBe(true);
    expect(isDateTimeAttribute(3, 2)).toBe(false);
  });
});
