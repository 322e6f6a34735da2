/**
 * A device (its header, and when open its form and a page of its signals) and a signal (a folded
 * form) as list items of the editor. The editor element owns the state and passes in what to show
 * and what to call; errors come from the worker's last verdict, indexed by item.
 */
import { html, nothing } from 'lit';
import { countErrors, isEnabled, signalKeyField, signalProtocol, type Item } from './config-doc';
import type { EditorModel } from './editor-model';
import { renderDeviceForm, renderSignalForm } from './item-forms';
import { SIGNAL_PAGE, clampPage, renderPager } from './pager';

const str = (v: unknown, fallback = '') => (typeof v === 'string' && v !== '' ? v : fallback);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface ItemActions {
  setDeviceField(i: number, name: string, value: unknown): void;
  toggleDevice(i: number, on: boolean): void;
  openDevice(i: number): void;
  duplicateDevice(i: number): void;
  deleteDevice(i: number): void;
  read(alias: string): void;
  newSignal(i: number): void;
  setSignalField(j: number, name: string, value: unknown): void;
  signalToggled(j: number, open: boolean): void;
  duplicateSignal(j: number): void;
  deleteSignal(j: number): void;
  signalPage(page: number): void;
  orphanPage(page: number): void;
}

export interface ItemContext {
  model: EditorModel;
  /** Index of the device whose form is open (-1: none). */
  openDevice: number;
  openSignals: ReadonlySet<number>;
  signalPage: number;
  orphanPage: number;
  canRead: boolean;
  /** The engine's state of a device, shown while a read runs or its results are on screen. */
  stateOf: (alias: unknown) => { state: string; detail?: string | undefined } | undefined;
  actions: ItemActions;
}

/** A signal not fetched from the worker yet: its place in the list, without a form. */
function renderPending(j: number) {
  return html`<li class="pending" aria-busy="true"><span class="muted">Signal ${j + 1}…</span></li>`;
}

export function renderSignal(ctx: ItemContext, j: number, device: Item) {
  const { issues } = ctx.model;
  const s = ctx.model.signal(j);
  if (!s) return renderPending(j);
  const errors = issues.signalErrors(j);
  const n = countErrors(errors);
  const key = signalKeyField(signalProtocol(s, device));
  const label = str(s.signal_alias, `signal ${j + 1}`);
  const a = ctx.actions;
  return html`<li class=${n ? 'has-errors' : ''} data-signal=${label}>
    <details ?open=${ctx.openSignals.has(j)} @toggle=${(e: Event) => a.signalToggled(j, (e.target as HTMLDetailsElement).open)}>
      <summary>
        <strong>${str(s.signal_name, '(no name)')}</strong>
        <code>${label}</code>
        ${key && s[key] !== undefined ? html`<code class="muted">${String(s[key])}</code>` : nothing}
        ${isEnabled(s) ? nothing : html`<span class="badge">disabled</span>`}
        ${n ? html`<span class="badge err">${plural(n, 'error')}</span>` : nothing}
      </summary>
      ${ctx.openSignals.has(j)
        ? html`<div class="body">
            ${renderSignalForm(s, device, {
              prefix: `s${j}`,
              errors,
              set: (name, v) => a.setSignalField(j, name, v),
              remove: (name) => a.setSignalField(j, name, undefined),
            })}
            <div class="actions">
              <button type="button" @click=${() => a.duplicateSignal(j)} aria-label=${`Duplicate signal ${label}`}>Duplicate</button>
              <button type="button" class="danger" @click=${() => a.deleteSignal(j)} aria-label=${`Delete signal ${label}`}>Delete</button>
            </div>
          </div>`
        : nothing}
    </details>
  </li>`;
}

/** One page of a list of signal indexes, with its pager above. */
function signalPageOf(ctx: ItemContext, id: string, what: string, list: readonly number[], page: number, onPage: (p: number) => void, device: Item) {
  const p = clampPage(page, list.length, SIGNAL_PAGE);
  const shown = list.slice(p * SIGNAL_PAGE, (p + 1) * SIGNAL_PAGE);
  ctx.model.want(shown);
  return html`${renderPager({ id, what, total: list.length, size: SIGNAL_PAGE, page: p, onPage })}
    <ul class="signals" aria-labelledby=${`${id}-title`}>
      ${shown.map((j) => renderSignal(ctx, j, device))}
    </ul>`;
}

export function renderDevice(ctx: ItemContext, i: number) {
  const { issues } = ctx.model;
  const dev = ctx.model.devices[i]!;
  const a = ctx.actions;
  const errors = issues.deviceErrors(i);
  const signals = ctx.model.signalsOf(i);
  const n = countErrors(errors) + issues.signalErrorsOf(dev.device_alias);
  const alias = str(dev.device_alias, `device ${i + 1}`);
  const open = ctx.openDevice === i;
  const formId = `d${i}-form`;
  const state = ctx.stateOf(dev.device_alias);
  const port = dev.ip !== undefined ? `${String(dev.ip)}:${String(dev.port ?? '')}` : str(dev.device, 'no port');
  return html`<li class="device ${n ? 'has-errors' : ''}" data-device=${alias}>
    <div class="device-head">
      <div class="device-title">
        <strong>${str(dev.name, '(no name)')}</strong>
        <code>${alias}</code> · ${str(dev.protocol, 'no protocol')} · ${port} · ${plural(signals.length, 'signal')}
        ${n ? html` <span class="badge err">${plural(n, 'error')}</span>` : nothing}
        ${state ? html` <span class="badge state ${state.state === 'link-lost' ? 'err' : ''}">${state.state}${state.detail ? `: ${state.detail}` : ''}</span>` : nothing}
      </div>
      <div class="actions">
        <label class="switch"
          ><input
            type="checkbox"
            .checked=${isEnabled(dev)}
            @change=${(e: Event) => a.toggleDevice(i, (e.target as HTMLInputElement).checked)}
            aria-label=${`Enabled: ${alias}`}
          />Enabled</label
        >
        <button type="button" aria-expanded=${open ? 'true' : 'false'} aria-controls=${formId} aria-label=${`${open ? 'Close' : 'Edit'} ${alias}`} @click=${() => a.openDevice(open ? -1 : i)}>
          ${open ? 'Close' : 'Edit'}
        </button>
        <button type="button" @click=${() => a.read(alias)} ?disabled=${!ctx.canRead || !isEnabled(dev)} aria-label=${`Read ${alias}`} aria-describedby="read-why">
          Read
        </button>
        <button type="button" @click=${() => a.duplicateDevice(i)} aria-label=${`Duplicate ${alias}`}>Duplicate</button>
        ${/* last and set apart: a slip of the thumb from Duplicate must not reach it (it asks first, too) */ ''}
        <button type="button" class="danger" @click=${() => a.deleteDevice(i)} aria-label=${`Delete ${alias}`}>Delete</button>
      </div>
    </div>
    ${open
      ? html`<div class="form" id=${formId}>
          ${renderDeviceForm(dev, {
            prefix: `d${i}`,
            errors,
            set: (name, v) => a.setDeviceField(i, name, v),
            remove: (name) => a.setDeviceField(i, name, undefined),
          })}
          <h3 id=${`d${i}-signals-title`}>Signals of ${alias}</h3>
          ${signals.length === 0 ? html`<p class="muted">No signals yet: add what to read from this meter.</p>` : nothing}
          ${signalPageOf(ctx, `d${i}-signals`, `signals of ${alias}`, signals, ctx.signalPage, (p) => a.signalPage(p), dev)}
          <div class="actions">
            <button type="button" @click=${() => a.newSignal(i)} ?disabled=${typeof dev.device_alias !== 'string' || dev.device_alias === ''}>Add signal</button>
          </div>
        </div>`
      : nothing}
  </li>`;
}

export function renderOrphans(ctx: ItemContext) {
  const orphans = ctx.model.orphans;
  if (orphans.length === 0) return nothing;
  return html`<h3 id="orphans-title">Signals without a device</h3>
    <p class="muted">Their device_alias names no device. Fix the alias or delete them.</p>
    ${signalPageOf(ctx, 'orphans', 'signals without a device', orphans, ctx.orphanPage, (p) => ctx.actions.orphanPage(p), {})}`;
}
