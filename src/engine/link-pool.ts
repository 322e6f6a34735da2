/**
 * Open links by key (see ports.ts). A link is opened by the first device that needs it, stays open while
 * any device holds it, and is closed when the last holder lets go. When a link is lost (unplug, socket
 * reset) every holder is told, so all devices on that bus go to link-lost together.
 */
import type { DeviceConfig } from '../config/types';
import type { Link } from '../core/link';
import { abortError, raceAbort } from './port-lock';

export interface LinkHolder {
  onLinkLost(reason: string): void;
}

interface Entry {
  link?: Link;
  opening?: Promise<Link>;
  holders: Set<LinkHolder>;
}

export class LinkPool {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly openLink: (device: DeviceConfig) => Promise<Link>,
    private readonly onCloseError: (key: string, e: unknown) => void = () => undefined,
  ) {}

  /** Links currently open, by key (for status and tests). */
  openKeys(): string[] {
    return [...this.entries].filter(([, e]) => e.link).map(([k]) => k);
  }

  holders(key: string): number {
    return this.entries.get(key)?.holders.size ?? 0;
  }

  /**
   * The open link for `key`, opening it with `device`'s settings when needed. `holder` keeps it open until
   * release(). Rejects with the abort reason if `signal` aborts before the link is open.
   */
  async acquire(key: string, device: DeviceConfig, holder: LinkHolder, signal: AbortSignal): Promise<Link> {
    if (signal.aborted) throw abortError(signal);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { holders: new Set() };
      this.entries.set(key, entry);
    }
    entry.holders.add(holder);
    if (entry.link) return entry.link;
    const e = entry;
    e.opening ??= this.open(key, e, device);
    try {
      return await raceAbort(e.opening, signal);
    } catch (err) {
      e.holders.delete(holder);
      if (e.holders.size === 0 && !e.link && this.entries.get(key) === e && !e.opening) this.entries.delete(key);
      throw err;
    }
  }

  /** `holder` no longer needs the link; the last one out closes it. */
  async release(key: string, holder: LinkHolder): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry || !entry.holders.delete(holder)) return;
    if (entry.holders.size > 0) return;
    const link = entry.link;
    if (!link) return;
    this.entries.delete(key);
    await this.close(key, link);
  }

  async closeAll(): Promise<void> {
    const open = [...this.entries].flatMap(([key, e]) => (e.link ? [{ key, link: e.link }] : []));
    this.entries.clear();
    await Promise.all(open.map(({ key, link }) => this.close(key, link)));
  }

  private async open(key: string, entry: Entry, device: DeviceConfig): Promise<Link> {
    try {
      const link = await this.openLink(device);
      entry.link = link;
      link.onLost = (reason) => this.reportLost(key, link, reason);
      if (entry.holders.size === 0 || this.entries.get(key) !== entry) {
        // Everyone gave up (stop, abort) while the port was opening: do not leave it open.
        entry.link = undefined;
        if (this.entries.get(key) === entry) this.entries.delete(key);
        await this.close(key, link);
      }
      return link;
    } finally {
      entry.opening = undefined;
      if (!entry.link && entry.holders.size === 0 && this.entries.get(key) === entry) this.entries.delete(key);
    }
  }

  /** The link is gone (onLost, or an operation said PORT_LOST): forget it and tell every holder. */
  reportLost(key: string, link: Link, reason: string): void {
    const entry = this.entries.get(key);
    if (!entry || entry.link !== link) return;
    this.entries.delete(key);
    const holders = [...entry.holders];
    entry.holders.clear();
    void this.close(key, link);
    for (const h of holders) h.onLinkLost(reason);
  }

  private async close(key: string, link: Link): Promise<void> {
    link.onLost = undefined;
    try {
      await link.close();
    } catch (e) {
      this.onCloseError(key, e);
    }
  }
}
