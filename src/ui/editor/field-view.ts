import { html, nothing } from 'lit';
import { fieldHelp, fieldText, fieldValue, isSecretDoc, type FieldDoc } from './config-doc';

export interface FieldViewOptions {
  /** Unique within the editor's shadow root: labels and descriptions are found by id. */
  id: string;
  doc: FieldDoc;
  value: unknown;
  errors: readonly string[] | undefined;
  onChange: (value: unknown) => void;
  /** Id of a <datalist> with suggestions (port names). */
  list?: string;
}

/** Choice fields (enum, 0/1 flags, echo) are selects: nothing to mistype, defaults in the first option. */
function isChoice(doc: FieldDoc): boolean {
  return doc.type === 'enum' || doc.type === 'flag' || doc.type === 'echo';
}

function sameChoice(a: string | number, v: unknown): boolean {
  if (typeof a === 'number') return v === a || (typeof v === 'string' && v.trim() === String(a));
  return typeof v === 'string' && v.trim().toLowerCase() === a.toLowerCase();
}

function renderSelect(o: FieldViewOptions, describedBy: string, invalid: boolean) {
  const { doc, value } = o;
  const allowed = doc.allowed ?? [];
  const set = value !== undefined && value !== null && value !== '';
  const match = set ? allowed.find((a) => sameChoice(a, value)) : undefined;
  // A value that is not allowed (imported, or typed elsewhere) stays visible and selected, so the
  // error next to it makes sense and nothing changes until the user picks another choice.
  const foreign = set && match === undefined;
  const first = doc.default !== undefined ? `Default (${doc.default === '' ? 'empty' : String(doc.default)})` : doc.required ? 'Choose…' : 'Not set';
  const onChange = (e: Event) => {
    const v = (e.target as HTMLSelectElement).value;
    if (v === '') return o.onChange(undefined);
    if (v === '\u0000foreign') return o.onChange(value);
    o.onChange(allowed.find((a) => String(a) === v) ?? v);
  };
  return html`<select
    id=${o.id}
    aria-describedby=${describedBy}
    aria-invalid=${invalid ? 'true' : 'false'}
    aria-required=${doc.required ? 'true' : 'false'}
    @change=${onChange}
  >
    <option value="" ?selected=${!set}>${first}</option>
    ${allowed.map((a) => html`<option value=${String(a)} ?selected=${match === a}>${String(a)}</option>`)}
    ${foreign ? html`<option value=${'\u0000foreign'} selected>${fieldText(value)} (not allowed)</option>` : nothing}
  </select>`;
}

function renderInput(o: FieldViewOptions, describedBy: string, invalid: boolean) {
  const { doc } = o;
  const secret = isSecretDoc(o.doc);
  const numeric = doc.type === 'integer' && !doc.hex;
  const placeholder = doc.default !== undefined && doc.default !== '' ? String(doc.default) : '';
  return html`<input
    id=${o.id}
    type=${secret ? 'password' : 'text'}
    inputmode=${numeric ? 'numeric' : 'text'}
    autocomplete=${secret ? 'new-password' : 'off'}
    autocapitalize="off"
    spellcheck="false"
    placeholder=${placeholder}
    list=${o.list ?? nothing}
    aria-describedby=${describedBy}
    aria-invalid=${invalid ? 'true' : 'false'}
    aria-required=${doc.required ? 'true' : 'false'}
    .value=${fieldText(o.value)}
    @input=${(e: Event) => o.onChange(fieldValue(doc, (e.target as HTMLInputElement).value))}
  />`;
}

/**
 * One configuration field: the WCC Lite name as label, the input, the help text with default and
 * allowed values, and the validator's message right under it (aria-invalid + aria-describedby, so a
 * screen reader announces the error with the field). Errors are not live regions: announcing every
 * keystroke's verdict would drown the user.
 */
export function renderField(o: FieldViewOptions) {
  const errs = o.errors ?? [];
  const invalid = errs.length > 0;
  const helpId = `${o.id}-help`;
  const errId = `${o.id}-err`;
  const describedBy = invalid ? `${errId} ${helpId}` : helpId;
  return html`<div class="field ${invalid ? 'invalid' : ''}" data-field=${o.doc.name}>
    <label for=${o.id}>${o.doc.name}</label>${o.doc.required ? html`<span class="req" aria-hidden="true">required</span>` : nothing}
    ${isChoice(o.doc) ? renderSelect(o, describedBy, invalid) : renderInput(o, describedBy, invalid)}
    ${invalid ? html`<p class="field-error" id=${errId}>${errs.map((m, i) => html`${i ? html`<br />` : nothing}${o.doc.name} ${m}`)}</p>` : nothing}
    <p class="help" id=${helpId}>${fieldHelp(o.doc)}</p>
  </div>`;
}

/** A key the protocol does not know: shown with its error and a way to remove it. */
export function renderExtraField(o: { id: string; name: string; value: unknown; errors: readonly string[] | undefined; onChange: (v: unknown) => void; onRemove: () => void }) {
  const errs = o.errors ?? [];
  const errId = `${o.id}-err`;
  const secret = /password|secret|token|key$|private/i.test(o.name);
  return html`<div class="field invalid" data-field=${o.name}>
    <label for=${o.id}>${o.name}</label>
    <div class="inline">
      <input
        id=${o.id}
        type=${secret ? 'password' : 'text'}
        autocomplete="off"
        spellcheck="false"
        aria-describedby=${errId}
        aria-invalid=${errs.length > 0 ? 'true' : 'false'}
        .value=${fieldText(o.value)}
        @input=${(e: Event) => o.onChange((e.target as HTMLInputElement).value)}
      />
      <button type="button" class="danger" @click=${o.onRemove} aria-label=${`Remove field ${o.name}`}>Remove</button>
    </div>
    <p class="field-error" id=${errId}>${errs.length ? errs.map((m, i) => html`${i ? html`<br />` : nothing}${o.name} ${m}`) : `${o.name} is not a field of this protocol`}</p>
  </div>`;
}
