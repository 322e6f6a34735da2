/**
 * Edits of a configuration document as plain data. The editor applies each edit to its copy of the
 * document and sends the same edit to the engine worker, which applies it to its own copy and
 * validates there: one pure function on both sides keeps the two copies equal without ever sending
 * the whole document again (30,000 signals are 5 MB; cloning that per keystroke would freeze the
 * page). Pure, no DOM: the worker imports it as well.
 */
import {
  addDevice,
  addSignal,
  duplicateDevice,
  duplicateSignal,
  removeDevice,
  renameDeviceAlias,
  setField,
  type ConfigDoc,
  type NewDeviceOptions,
  type Protocol,
} from './config-doc';

export type DocEdit =
  | { op: 'set-device'; index: number; name: string; value: unknown }
  | { op: 'set-signal'; index: number; name: string; value: unknown }
  | { op: 'add-device'; protocol: Protocol; options: NewDeviceOptions }
  | { op: 'duplicate-device'; index: number }
  | { op: 'remove-device'; index: number }
  | { op: 'add-signal'; deviceAlias: string }
  | { op: 'duplicate-signal'; index: number }
  | { op: 'remove-signal'; index: number };

/**
 * Apply one edit in place. Returns the index the edit created (new or duplicated item), else -1.
 * An edit naming an item that is not there changes nothing: both copies skip it alike.
 */
export function applyEdit(doc: ConfigDoc, edit: DocEdit): number {
  switch (edit.op) {
    case 'set-device': {
      const dev = doc.devices[edit.index];
      if (!dev) return -1;
      // The alias carries its signals along, so they do not become orphans.
      if (edit.name === 'device_alias') renameDeviceAlias(doc, edit.index, edit.value);
      else setField(dev, edit.name, edit.value);
      return -1;
    }
    case 'set-signal': {
      const s = doc.signals[edit.index];
      if (s) setField(s, edit.name, edit.value);
      return -1;
    }
    case 'add-device':
      return addDevice(doc, edit.protocol, edit.options);
    case 'duplicate-device':
      return duplicateDevice(doc, edit.index);
    case 'remove-device':
      if (!doc.devices[edit.index]) return -1;
      removeDevice(doc, edit.index);
      return -1;
    case 'add-signal':
      return addSignal(doc, edit.deviceAlias);
    case 'duplicate-signal':
      return duplicateSignal(doc, edit.index);
    case 'remove-signal':
      if (doc.signals[edit.index]) doc.signals.splice(edit.index, 1);
      return -1;
  }
}

/**
 * True when the edit changes which devices there are or which signals belong to which device: the
 * editor then takes the worker's new outline. Other edits change one field of one item, which the
 * editor applies to its own copy of that item.
 */
export function changesOutline(edit: DocEdit): boolean {
  if (edit.op === 'set-device' || edit.op === 'set-signal') return edit.name === 'device_alias';
  return true;
}
