/**
 * What a phone does while a read runs and when it ends: the screen stays on (Screen Wake Lock), and the
 * end is felt or heard (vibration, a short tone), different for success and failure, so a technician
 * holding a probe on a meter with the other hand need not watch the screen.
 *
 * The browser drops a wake lock whenever the page is hidden (screen off, app switch), so it is asked
 * for again when the page is visible while the read still runs. Every API here is optional: desktop
 * browsers without vibration, or a denied wake lock, lose only that part.
 */
import { getStore } from './store-client';

/** Settings value (key `feedback.signal`): what marks the end of a read. */
export type ReadSignal = 'vibrate+sound' | 'vibrate' | 'sound' | 'off';
export const READ_SIGNAL_KEY = 'feedback.signal';
export const READ_SIGNAL_DEFAULT: ReadSignal = 'vibrate';
export const READ_SIGNALS: readonly ReadSignal[] = ['vibrate+sound', 'vibrate', 'sound', 'off'];

export const isReadSignal = (v: unknown): v is ReadSignal => typeof v === 'string' && (READ_SIGNALS as readonly string[]).includes(v);

/** Short buzz for success; buzz-pause-buzz-pause-buzz for failure, told apart in a pocket. */
export const VIBRATION = { ok: [90], failed: [250, 120, 250, 120, 250] } as const;
/** Tones (Hz, ms): a rising pair for success, one low long tone for failure. */
export const TONES = {
  ok: [
    [880, 90],
    [1320, 120],
  ],
  failed: [[220, 450]],
} as const;

interface WakeLockSentinelLike {
  readonly released: boolean;
  release(): Promise<void>;
}

/** The parts of the page this needs, injectable so the unit test can watch them. */
export interface FeedbackEnv {
  wakeLock?: { request(type: 'screen'): Promise<WakeLockSentinelLike> };
  vibrate?: (pattern: number[]) => boolean;
  /** Plays tones one after the other. */
  beep?: (tones: readonly (readonly [number, number])[]) => void;
  document?: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
  /** The user's choice (Settings); read at the end of each read. */
  signal: () => Promise<ReadSignal>;
}

function webAudioBeep(tones: readonly (readonly [number, number])[]): void {
  const Ctx = globalThis.AudioContext;
  if (!Ctx) return;
  const ctx = new Ctx();
  let t = ctx.currentTime;
  for (const [hz, ms] of tones) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = hz;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + ms / 1000);
    t += ms / 1000 + 0.04;
  }
  // The context holds an audio device open until closed.
  setTimeout(() => void ctx.close(), (t - ctx.currentTime) * 1000 + 200);
}

/** The real page's APIs; `signal` comes from the app's settings store. */
export function browserFeedbackEnv(signal: () => Promise<ReadSignal>): FeedbackEnv {
  const nav = globalThis.navigator as (Navigator & { wakeLock?: FeedbackEnv['wakeLock'] }) | undefined;
  return {
    ...(nav?.wakeLock ? { wakeLock: nav.wakeLock } : {}),
    ...(typeof nav?.vibrate === 'function' ? { vibrate: (p: number[]) => nav.vibrate(p) } : {}),
    beep: webAudioBeep,
    ...(typeof document !== 'undefined' ? { document } : {}),
    signal,
  };
}

/**
 * Runs one read with the screen kept on, then signals how it ended. `failed` judges a result that
 * resolved (e.g. some values came back bad); a rejection is always a failure. A read abandoned by the
 * user (`cancelled()` true at the end) ends silently.
 */
export async function withReadFeedback<T>(
  env: FeedbackEnv,
  read: () => Promise<T>,
  opts: { failed?: (result: T) => boolean; cancelled?: () => boolean } = {},
): Promise<T> {
  let sentinel: WakeLockSentinelLike | undefined;
  let running = true;
  const acquire = async () => {
    if (!env.wakeLock || !running || (sentinel && !sentinel.released)) return;
    if (env.document && env.document.visibilityState !== 'visible') return;
    try {
      const s = await env.wakeLock.request('screen');
      if (running) sentinel = s;
      else await s.release();
    } catch {
      // Denied (battery saver, no user activation, hidden page): the read goes on without it.
    }
  };
  const onVisible = () => void acquire();
  env.document?.addEventListener('visibilitychange', onVisible);
  await acquire();
  let ok = false;
  try {
    const result = await read();
    ok = !(opts.failed?.(result) ?? false);
    return result;
  } finally {
    running = false;
    env.document?.removeEventListener('visibilitychange', onVisible);
    await sentinel?.release().catch(() => undefined);
    // Not awaited: the result is not held back for the setting's look-up or the vibration.
    if (!opts.cancelled?.()) void signalEnd(env, ok);
  }
}

async function signalEnd(env: FeedbackEnv, ok: boolean): Promise<void> {
  let choice: ReadSignal;
  try {
    choice = await env.signal();
  } catch {
    choice = READ_SIGNAL_DEFAULT;
  }
  if (choice === 'vibrate' || choice === 'vibrate+sound') env.vibrate?.([...(ok ? VIBRATION.ok : VIBRATION.failed)]);
  if (choice === 'sound' || choice === 'vibrate+sound') env.beep?.(ok ? TONES.ok : TONES.failed);
}

/** The app's own: the real page, the choice from the settings store (vibration when never set). */
export function pageReadFeedback(): FeedbackEnv {
  return browserFeedbackEnv(async () => {
    const v = await (await getStore()).getSetting(READ_SIGNAL_KEY);
    return isReadSignal(v) ? v : READ_SIGNAL_DEFAULT;
  });
}
