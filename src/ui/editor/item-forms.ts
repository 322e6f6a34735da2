/**
 * The device and signal forms, as render functions: the editor element owns the state and passes
 * in what changed. Fields come from FIELD_DOCS (every field of the item's protocol, grouped), errors
 * from the validator, keyed by field name.
 */
import { html, nothing } from 'lit';
import {
  deviceFields,
  extraKeys,
  protocolOf,
  signalFields,
  signalKeyField,
  signalProtocol,
  type FieldDoc,
  type FieldErrors,
  type Item,
} from './config-doc';
import { renderExtraField, renderField } from './field-view';

const has = (item: Item, name: string) => item[name] !== undefined && item[name] !== '';

/**
 * Field groups. Groups that do not apply (TCP for a serial meter, serial for a TCP one, security
 * with nothing set) start folded so the form stays short; a group with an error is always open.
 */
const GROUPS: { id: FieldDoc['group']; title: string; unfolded: (item: Item, inGroup: readonly FieldDoc[]) => boolean }[] = [
  { id: 'common', title: 'General', unfolded: () => true },
  { id: 'serial', title: 'Serial port (optical probe, RS-485)', unfolded: (item) => !(has(item, 'ip') && has(item, 'port')) },
  { id: 'tcp', title: 'TCP (ip + port; serial settings are then ignored)', unfolded: (item) => has(item, 'ip') || has(item, 'port') || !has(item, 'device') },
  { id: 'address', title: 'Addresses', unfolded: () => true },
  { id: 'protocol', title: 'Protocol', unfolded: () => true },
  { id: 'security', title: 'Security', unfolded: (item, inGroup) => inGroup.some((f) => has(item, f.name)) },
];

export interface FormContext {
  /** Id prefix, unique per item: `d3`, `s12`. */
  prefix: string;
  errors: FieldErrors;
  /** A field changed: value undefined removes the key (the default applies). */
  set: (name: string, value: unknown) => void;
  remove: (name: string) => void;
}

function itemErrors(errors: FieldErrors) {
  const whole = errors.get('') ?? [];
  if (whole.length === 0) return nothing;
  return html`<ul class="item-errors">${whole.map((m) => html`<li>${m}</li>`)}</ul>`;
}

function extraFields(item: Item, fields: readonly FieldDoc[], ctx: FormContext) {
  const extra = extraKeys(item, fields);
  if (extra.length === 0) return nothing;
  return html`<fieldset>
    <legend>Fields this protocol does not know</legend>
    <div class="grid">
      ${extra.map((name) =>
        renderExtraField({
          id: `${ctx.prefix}-x-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`,
          name,
          value: item[name],
          errors: ctx.errors.get(name),
          onChange: (v) => ctx.set(name, typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v),
          onRemove: () => ctx.remove(name),
        }),
      )}
    </div>
  </fieldset>`;
}

/** Every field of the device's protocol, grouped as the WCC Lite manuals group them. */
export function renderDeviceForm(item: Item, ctx: FormContext) {
  const protocol = protocolOf(item);
  const fields = deviceFields(protocol);
  return html`
    ${itemErrors(ctx.errors)}
    ${protocol ? nothing : html`<p class="muted">Choose the protocol to see every field of this device.</p>`}
    ${GROUPS.map((g) => {
      const inGroup = fields.filter((f) => f.group === g.id);
      if (inGroup.length === 0) return nothing;
      const errs = inGroup.some((f) => ctx.errors.has(f.name));
      const set = inGroup.filter((f) => has(item, f.name)).length;
      return html`<details class="group" ?open=${errs || g.unfolded(item, inGroup)}>
        <summary>${g.title}<span class="muted">${set ? `${set} set` : 'defaults'}</span>${errs ? html`<span class="badge err">errors</span>` : nothing}</summary>
        <fieldset>
        <legend class="visually-hidden">${g.title}</legend>
        <div class="grid">
          ${inGroup.map((f) =>
            renderField({
              id: `${ctx.prefix}-${f.name}`,
              doc: f,
              value: item[f.name],
              errors: ctx.errors.get(f.name),
              onChange: (v) => ctx.set(f.name, v),
              ...(f.name === 'device' ? { list: 'port-names' } : {}),
            }),
          )}
        </div>
      </fieldset>
      </details>`;
    })}
    ${extraFields(item, fields, ctx)}
  `;
}

/** A signal's fields; the protocol comes from its device. */
export function renderSignalForm(item: Item, device: Item | undefined, ctx: FormContext) {
  const protocol = signalProtocol(item, device);
  const fields = signalFields(protocol);
  // The key field (what is read) first, it is the one that matters most at the meter.
  const key = signalKeyField(protocol);
  const ordered = [...fields].sort((a, b) => Number(b.name === key) - Number(a.name === key));
  return html`
    ${itemErrors(ctx.errors)}
    <div class="grid">
      ${ordered.map((f) =>
        renderField({
          id: `${ctx.prefix}-${f.name}`,
          doc: f,
          value: item[f.name],
          errors: ctx.errors.get(f.name),
          onChange: (v) => ctx.set(f.name, v),
        }),
      )}
    </div>
    ${extraFields(item, fields, ctx)}
  `;
}
