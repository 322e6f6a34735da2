/**
 * What a failed connection to the broker means for the poller. A refusal of the credentials or of
 * the client, and a TLS failure, will not go away by trying again: the CLI stops with its own exit
 * code (the spool keeps what was read). Anything else (refused TCP connection, timeout, broker busy)
 * is an outage: readings wait in the spool and the poller keeps trying.
 */
export type BrokerFailure = 'credentials' | 'not-authorised' | 'client-refused' | 'tls' | 'outage';

export interface ClassifiedBrokerError {
  kind: BrokerFailure;
  /** One line for a person: what happened and what to change. Never holds a secret. */
  message: string;
}

/** CONNACK return codes (MQTT 3.1.1 §3.2.2.3) and reason codes (MQTT 5 §3.2.2.2) that are final. */
const FINAL_CODES: Record<number, { kind: BrokerFailure; text: string }> = {
  1: { kind: 'client-refused', text: 'the broker does not accept this MQTT protocol version' },
  2: { kind: 'client-refused', text: 'the broker refused the client identifier (set another --poller-id)' },
  4: { kind: 'credentials', text: 'the broker refused the user name or password' },
  // Mosquitto 2 answers a wrong password with 5, not 4: say both possible causes.
  5: { kind: 'not-authorised', text: 'the broker says this client is not authorised (wrong user name or password, or no access)' },
  0x84: { kind: 'client-refused', text: 'the broker does not accept this MQTT protocol version' },
  0x85: { kind: 'client-refused', text: 'the broker refused the client identifier (set another --poller-id)' },
  0x86: { kind: 'credentials', text: 'the broker refused the user name or password' },
  0x87: { kind: 'not-authorised', text: 'the broker says this client is not authorised (wrong user name or password, or no access)' },
  0x8c: { kind: 'credentials', text: 'the broker does not accept this authentication method' },
};

const TLS_CODE = /CERT|SSL|TLS|EPROTO|HOSTNAME|ALTNAME|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)/i;

export function classifyBrokerError(e: unknown): ClassifiedBrokerError {
  const err = e as { code?: unknown; message?: unknown } | undefined;
  const code = err?.code;
  const text = typeof err?.message === 'string' ? err.message : String(e);
  if (typeof code === 'number') {
    const final = FINAL_CODES[code];
    if (final) return { kind: final.kind, message: `${final.text} (CONNACK code ${code})` };
    return { kind: 'outage', message: `the broker refused the connection for now (CONNACK code ${code}): ${text}` };
  }
  if (typeof code === 'string' && TLS_CODE.test(code)) return { kind: 'tls', message: `TLS failed (${code}): ${text}; check --mqtt-ca, --mqtt-cert, --mqtt-key and the broker's name` };
  if (typeof code === 'string') return { kind: 'outage', message: `the broker cannot be reached (${code})` };
  return { kind: 'outage', message: `the broker cannot be reached: ${text}` };
}

export const isFinal = (c: ClassifiedBrokerError) => c.kind !== 'outage';
