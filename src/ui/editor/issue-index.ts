/**
 * The validator's issues for a whole document, indexed by item, so the editor finds the errors of
 * the few items on screen without scanning every issue (a 30,000-signal site may have as many).
 * Built once per validation, in one pass. Pure, no DOM.
 */
import type { ConfigIssue } from '../../config';
import { byField, type FieldErrors, type Item } from './config-doc';

const ITEM_PATH = /^(devices|signals)\[(\d+)\]/;

export class IssueIndex {
  /** Issues about the document as a whole or a section (not about one device or signal). */
  readonly general: ConfigIssue[] = [];
  readonly total: number;
  private readonly devices = new Map<number, ConfigIssue[]>();
  private readonly signals = new Map<number, ConfigIssue[]>();
  /** Errors of a device's signals, by the signals' device_alias (signals follow their device). */
  private readonly signalErrorsByAlias = new Map<string, number>();

  /** `aliasOfSignal`: the device_alias of signal `j` (errors of signals count at their device). */
  constructor(issues: readonly ConfigIssue[], aliasOfSignal: (j: number) => unknown) {
    this.total = issues.length;
    for (const issue of issues) {
      const m = ITEM_PATH.exec(issue.path);
      if (!m) {
        this.general.push(issue);
        continue;
      }
      const map = m[1] === 'devices' ? this.devices : this.signals;
      const i = Number(m[2]);
      const list = map.get(i);
      if (list) list.push(issue);
      else map.set(i, [issue]);
      if (m[1] === 'signals') {
        const alias = aliasOfSignal(i);
        if (typeof alias === 'string') this.signalErrorsByAlias.set(alias, (this.signalErrorsByAlias.get(alias) ?? 0) + 1);
      }
    }
  }

  static empty(): IssueIndex {
    return new IssueIndex([], () => undefined);
  }

  deviceErrors(index: number): FieldErrors {
    const list = this.devices.get(index);
    return list ? byField(list, `devices[${index}]`) : new Map();
  }

  signalErrors(index: number): FieldErrors {
    const list = this.signals.get(index);
    return list ? byField(list, `signals[${index}]`) : new Map();
  }

  deviceErrorCount(index: number): number {
    return this.devices.get(index)?.length ?? 0;
  }

  signalErrorCount(index: number): number {
    return this.signals.get(index)?.length ?? 0;
  }

  /** Errors of the signals that name this device alias. */
  signalErrorsOf(alias: unknown): number {
    return typeof alias === 'string' ? (this.signalErrorsByAlias.get(alias) ?? 0) : 0;
  }

  /** Index of the first device with an error of its own or in its signals, or -1. */
  firstBadDevice(devices: readonly Item[]): number {
    return devices.findIndex((d, i) => this.deviceErrorCount(i) > 0 || this.signalErrorsOf(d.device_alias) > 0);
  }
}
