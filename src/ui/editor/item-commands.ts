/**
 * What the buttons and fields of a device or signal do: each is one DocEdit through the model, plus
 * what the editor shows next (the new item open, a message, the field to type in focused).
 */
import { protocolOf, signalKeyField, type Protocol } from './config-doc';
import type { EditorModel } from './editor-model';
import type { ItemActions } from './item-views';
import { SIGNAL_PAGE, pageOf } from './pager';
import type { ProbeDefaults } from '../pages/settings-probe';

const str = (v: unknown, fallback = '') => (typeof v === 'string' && v !== '' ? v : fallback);

/** The editor element, as the commands see it. */
export interface CommandHost {
  readonly model: EditorModel;
  readonly openSignals: Set<number>;
  readonly newProtocol: Protocol;
  readonly probe: ProbeDefaults | undefined;
  message: string;
  signalPage: number;
  orphanPage: number;
  /** Apply an edit (model + worker); the host forgets stale read results and keeps a draft. */
  edit(...args: Parameters<EditorModel['edit']>): Promise<number>;
  /** Open device `i`'s form (-1: close), on the page that shows it. */
  showDevice(i: number): void;
  focusLater(selector: string): Promise<void>;
  read(alias: string): void;
  requestUpdate(): void;
}

export async function newDevice(host: CommandHost): Promise<void> {
  const protocol = host.newProtocol;
  const i = await host.edit({ op: 'add-device', protocol, options: host.probe ? { probe: host.probe } : {} });
  if (i < 0) return;
  host.showDevice(i);
  host.message = `Added a ${protocol} device; fill in its fields below.`;
  void host.focusLater(`#d${i}-name`);
}

export function itemCommands(host: CommandHost): ItemActions {
  const { model } = host;
  return {
    setDeviceField: (i, name, value) => void host.edit({ op: 'set-device', index: i, name, value }),
    toggleDevice: (i, on) => {
      const dev = model.devices[i];
      if (!dev) return;
      // Enabled is the default, so "on" removes the key instead of writing enable: 1.
      void host.edit({ op: 'set-device', index: i, name: 'enable', value: on ? (dev.enable === undefined ? undefined : 1) : 0 });
    },
    openDevice: (i) => host.showDevice(i),
    duplicateDevice: async (i) => {
      const j = await host.edit({ op: 'duplicate-device', index: i });
      if (j < 0) return;
      host.showDevice(j);
      host.message = `Duplicated as "${str(model.devices[j]?.device_alias)}" with its signals.`;
    },
    deleteDevice: (i) => {
      const dev = model.devices[i];
      const alias = str(dev?.device_alias, `device ${i + 1}`);
      const n = model.signalsOf(i).length;
      if (!confirm(`Delete the device "${alias}"${n ? ` and its ${n} signal(s)` : ''} from this configuration?`)) return;
      host.showDevice(-1);
      void host.edit({ op: 'remove-device', index: i }).then(() => (host.message = `Deleted "${alias}".`));
    },
    read: (alias) => host.read(alias),
    newSignal: async (i) => {
      const dev = model.devices[i];
      const alias = dev?.device_alias;
      if (typeof alias !== 'string') return;
      const j = await host.edit({ op: 'add-signal', deviceAlias: alias });
      if (j < 0) return;
      host.openSignals.add(j);
      host.signalPage = pageOf(model.signalsOf(i).length - 1, SIGNAL_PAGE);
      const key = signalKeyField(protocolOf(dev));
      void host.focusLater(`#s${j}-${key ?? 'signal_name'}`);
    },
    setSignalField: (j, name, value) => void host.edit({ op: 'set-signal', index: j, name, value }),
    signalToggled: (j, open) => {
      if (open === host.openSignals.has(j)) return;
      if (open) host.openSignals.add(j);
      else host.openSignals.delete(j);
      host.requestUpdate();
    },
    duplicateSignal: async (j) => {
      const k = await host.edit({ op: 'duplicate-signal', index: j });
      if (k < 0) return;
      host.openSignals.clear();
      host.openSignals.add(k);
      host.requestUpdate();
    },
    deleteSignal: (j) => {
      const s = model.signal(j);
      if (!s || !confirm(`Delete the signal "${str(s.signal_alias, str(s.signal_name, `signal ${j + 1}`))}"?`)) return;
      host.openSignals.clear();
      void host.edit({ op: 'remove-signal', index: j });
    },
    signalPage: (p) => {
      host.signalPage = p;
      host.openSignals.clear();
    },
    orphanPage: (p) => {
      host.orphanPage = p;
      host.openSignals.clear();
    },
  };
}
