import type { SecurityPolicy, SecuritySuite, RandomSource } from '../../protocols/dlms/security';

/**
 * The simulated meter's own security material and counters (server side of suites 0..2). Keys here are
 * the meter's: tests configure the client with the same values, or with wrong ones to see AUTH_FAILED.
 */
export interface SimSecurityOptions {
  /** The meter's system title (8 bytes), sent as responding-AP-title. */
  systemTitle: Uint8Array;
  suite?: SecuritySuite;
  /** Global unicast encryption key and authentication key (16 bytes; 32 for suite 2). */
  blockCipherKey?: Uint8Array;
  authenticationKey?: Uint8Array;
  /** HLS secret of mechanisms 2, 3, 4 and 6. */
  hlsSecret?: Uint8Array;
  /** Mechanism 7: the meter's signing key and the client's public key. */
  ecdsaPrivateKey?: CryptoKey;
  clientPublicKey?: CryptoKey;
  /** Least protection a ciphered association must use; default none (the client's choice is mirrored). */
  requiredPolicy?: SecurityPolicy;
  /** The meter's first own invocation counter; default 1000. */
  invocationCounter?: number;
  /** Challenge source; default crypto.getRandomValues. */
  random?: RandomSource;
}

/** Counters of the simulated meter and test faults. */
export class SimSecurityState {
  /** Highest invocation counter received from clients under the global key (frame counter 0.0.43.1.0.255). */
  lastClientCounter = 0;
  /** The meter's own counter: the last value it used. */
  ownCounter: number;
  /** Test fault: the next ciphered response re-uses the previous counter (a replay). */
  replayNextResponse = false;
  /** Test fault: the next HLS pass 4 answer is wrong (a meter that does not know the secret). */
  corruptNextHlsAnswer = false;

  constructor(readonly opts: SimSecurityOptions) {
    this.ownCounter = opts.invocationCounter ?? 1000;
  }

  get suite(): SecuritySuite {
    return this.opts.suite ?? 0;
  }

  nextOwnCounter(): number {
    if (this.replayNextResponse) {
      this.replayNextResponse = false;
      return this.ownCounter;
    }
    return ++this.ownCounter;
  }
}
