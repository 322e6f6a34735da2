/**
 * The demo pushing meter (DEMO-HAN in the app, `meterscope sim`'s dlms-push port): a Kamstrup-like list
 * over HDLC every 2 s, general-glo-ciphered with published demo keys. The keys are not secret on
 * purpose - they are shown in the demo configuration and examples/han-push.json so anyone can see what
 * a ciphered HAN port looks like - and no real meter uses them.
 */
import type { Clock } from '../core/clock';
import { LINE_9600_8N1, type LineSettings, type Link } from '../core/link';
import { startPushMeter, type SimPushMeter } from './push/push-meter';

export const DEMO_HAN = {
  // "MeterScopeDemo!!" and "DemoHANAuthentic" in ASCII.
  blockCipherKey: '4d6574657253636f706544656d6f2121',
  authenticationKey: '44656d6f48414e41757468656e746963',
  systemTitle: '4b414d0012345678',
  intervalMs: 2000,
} as const;

/** HAN ports over an M-Bus adapter are 2400 8E1; the demo runs at 9600 8N1 so a push takes 60 ms. */
export const DEMO_HAN_LINE: LineSettings = LINE_9600_8N1;

function bytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
}

export function startDemoHanMeter(clock: Clock, link: Link): SimPushMeter {
  return startPushMeter(clock, link, {
    profile: 'kamstrup-list1',
    linkLayer: 'hdlc',
    intervalMs: DEMO_HAN.intervalMs,
    blockCipherKey: bytes(DEMO_HAN.blockCipherKey),
    authenticationKey: bytes(DEMO_HAN.authenticationKey),
    systemTitle: bytes(DEMO_HAN.systemTitle),
    security: 'auth-enc',
    cipherStyle: 'general-glo',
  });
}
