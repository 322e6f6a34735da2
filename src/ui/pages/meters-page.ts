import { LitElement, css, html, nothing } from 'lit';
import type { StoredConfig } from '../../store';
import type { ConfigIssue } from '../../worker/engine-api';
import { downloadText, safeFileName } from '../download';
import { getEngine } from '../engine-client';
import { errorText, formatTime } from '../format';
import { pageStyles } from '../shared-styles';
import { getStore } from '../store-client';
import type { ConfigEditor } from '../editor/config-editor';
import '../editor/config-editor';

type Check =
  | { kind: 'none' }
  | { kind: 'valid'; devices: number; signals: number }
  | { kind: 'invalid'; errors: ConfigIssue[] }
  | { kind: 'unreadable'; message: string };

/** Counts for the saved list, read from the stored text without a full validation. */
function countItems(raw: string): string {
  try {
    const doc = JSON.parse(raw) as { devices?: unknown; signals?: unknown };
    const d = Array.isArray(doc.devices) ? doc.devices.length : 0;
    const s = Array.isArray(doc.signals) ? doc.signals.length : 0;
    return `${d} device${d === 1 ? '' : 's'}, ${s} signal${s === 1 ? '' : 's'}`;
  } catch {
    return 'unreadable';
  }
}

/**
 * The configuration editor (devices and signals as forms, see src/ui/editor), plus import, check,
 * save, list and export of whole configurations as JSON. The import box validates in the engine
 * worker (the same code that will refuse to start on a bad configuration); the editor runs the same
 * config module's validator on the main thread to show errors at each field as you type.
 */
export class MetersPage extends LitElement {
  static override properties = {
    text: { state: true },
    name: { state: true },
    check: { state: true },
    message: { state: true },
    saved: { state: true },
    working: { state: true },
    includeSecrets: { state: true },
  };

  static override styles = [
    pageStyles,
    css`
      .secrets-choice {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        min-height: 44px;
      }
      .secrets-choice input {
        width: 1.25rem;
        height: 1.25rem;
      }
      .saved {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      .saved li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: space-between;
        gap: 0.5rem 1rem;
        padding: 0.75rem 0;
        border-bottom: 1px solid var(--ms-border);
      }
      .saved .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .saved .actions {
        margin: 0;
      }
    `,
  ];

  declare text: string;
  declare name: string;
  declare check: Check;
  declare message: string;
  declare saved: StoredConfig[] | undefined;
  declare working: boolean;
  /** Exports leave passwords and keys out unless the user ticks this (off on every visit). */
  declare includeSecrets: boolean;

  constructor() {
    super();
    this.text = '';
    this.name = '';
    this.check = { kind: 'none' };
    this.message = '';
    this.saved = undefined;
    this.includeSecrets = false;
    this.working = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadSaved();
  }

  private async loadSaved(): Promise<void> {
    try {
      const store = await getStore();
      this.saved = (await store.listConfigs()).sort((a, b) => a.name.localeCompare(b.name));
    } catch (e) {
      this.saved = [];
      this.message = `Saved configurations could not be read: ${errorText(e)}`;
    }
  }

  private async onFile(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    this.text = await file.text();
    this.name = file.name.replace(/\.json$/i, '');
    await this.validate();
    this.openInEditor(false);
    // The same file chosen again must fire change again.
    input.value = '';
  }

  private get editor(): ConfigEditor | null {
    return this.renderRoot.querySelector<ConfigEditor>('ms-config-editor');
  }

  /**
   * Show the import box's document in the form editor, where each mistake sits next to its field.
   * `explicit`: the user asked (else it happens on file import, and only when nothing would be lost).
   */
  private openInEditor(explicit: boolean): void {
    const editor = this.editor;
    if (!editor) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.text.charCodeAt(0) === 0xfeff ? this.text.slice(1) : this.text);
    } catch {
      if (explicit) this.message = 'The text is not valid JSON, so the form cannot show it: press Check to see where.';
      return;
    }
    if (editor.hasUnsavedWork && !confirm('Replace the configuration in the editor? Its unsaved changes are lost.')) return;
    const why = editor.open(parsed, this.name.trim() || 'imported', { dirty: true });
    if (why) {
      if (explicit) this.message = `The form cannot show it: ${why}.`;
      return;
    }
    if (explicit) this.message = 'Opened in the editor above.';
    editor.scrollIntoView({ block: 'start' });
  }

  private openSaved(c: StoredConfig): void {
    const editor = this.editor;
    if (!editor) return;
    if (editor.hasUnsavedWork && !confirm(`Open "${c.name}"? Unsaved changes in the editor are lost.`)) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(c.raw);
    } catch (e) {
      this.message = `"${c.name}" is not readable JSON: ${errorText(e)}`;
      return;
    }
    const why = editor.open(parsed, c.name);
    this.message = why ? `"${c.name}" cannot be shown in the form: ${why}.` : '';
    if (!why) editor.scrollIntoView({ block: 'start' });
  }

  private onText(e: Event): void {
    this.text = (e.target as HTMLTextAreaElement).value;
    this.check = { kind: 'none' };
    this.message = '';
  }

  private async validate(): Promise<boolean> {
    this.message = '';
    if (!this.text.trim()) {
      this.check = { kind: 'unreadable', message: 'Choose a file or paste a configuration first.' };
      return false;
    }
    this.working = true;
    try {
      const result = await getEngine().validateConfig(this.text);
      this.check = result.ok
        ? { kind: 'valid', devices: result.config.devices.length, signals: result.config.signals.length }
        : { kind: 'invalid', errors: result.errors };
      return result.ok;
    } catch (e) {
      this.check = { kind: 'unreadable', message: `The engine could not check it: ${errorText(e)}` };
      return false;
    } finally {
      this.working = false;
    }
  }

  private async save(): Promise<void> {
    const name = this.name.trim();
    if (!name) {
      this.message = 'Give the configuration a name before saving.';
      return;
    }
    if (!(await this.validate())) return;
    this.working = true;
    try {
      const store = await getStore();
      const existed = (await store.getConfig(name)) !== undefined;
      await store.saveConfig(name, this.text);
      this.message = existed ? `Saved "${name}" (replaced the older one).` : `Saved "${name}".`;
      await this.loadSaved();
    } catch (e) {
      this.message = `Not saved: ${errorText(e)}`;
    } finally {
      this.working = false;
    }
  }

  private async exportConfig(c: StoredConfig): Promise<void> {
    // With secrets included, the stored text goes out exactly as the user wrote it; otherwise the
    // worker writes it again without passwords and keys.
    if (this.includeSecrets) {
      downloadText(safeFileName(c.name, 'json'), c.raw);
      return;
    }
    try {
      const text = await (await getEngine()).exportConfig(JSON.parse(c.raw), { includeSecrets: false });
      downloadText(safeFileName(c.name, 'json'), text);
      this.message = `Exported "${c.name}" without passwords and keys.`;
    } catch (e) {
      this.message = `Not exported: ${errorText(e)}`;
    }
  }

  private async deleteSaved(c: StoredConfig): Promise<void> {
    if (!confirm(`Delete the configuration "${c.name}"? Readings already stored are kept.`)) return;
    try {
      await (await getStore()).deleteConfig(c.name);
      this.message = `Deleted "${c.name}".`;
      await this.loadSaved();
    } catch (e) {
      this.message = `Not deleted: ${errorText(e)}`;
    }
  }

  private renderCheck() {
    const c = this.check;
    if (c.kind === 'valid') {
      return html`<p class="ok" role="status">Valid: ${c.devices} device(s), ${c.signals} signal(s).</p>`;
    }
    if (c.kind === 'unreadable') {
      return html`<div class="errors" role="alert"><p>${c.message}</p></div>`;
    }
    if (c.kind === 'invalid') {
      return html`<div class="errors" role="alert" aria-labelledby="errors-title">
        <p id="errors-title">
          ${c.errors.length} error${c.errors.length === 1 ? '' : 's'}: the configuration was not saved.
        </p>
        <ul class="error-list">
          ${c.errors.map(
            (err) => html`<li><code class="path">${err.path || '(document)'}</code>: <span>${err.message}</span></li>`,
          )}
        </ul>
      </div>`;
    }
    return nothing;
  }

  override render() {
    return html`
      <h1>Meters</h1>
      <p class="muted">
        A configuration lists devices and signals with the WCC Lite field names. Edit it below (errors show at each
        field as you type), or import one from a file or paste it; save it in this browser, export it, and read the
        meters once it is valid.
      </p>

      <section class="card" aria-labelledby="editor-title">
        <h2 id="editor-title">Configuration editor</h2>
        <ms-config-editor .includeSecrets=${this.includeSecrets} @saved=${() => void this.loadSaved()}></ms-config-editor>
      </section>

      <section class="card" aria-labelledby="import-title">
        <h2 id="import-title">Import a configuration</h2>
        <label for="file">Configuration file (JSON)</label>
        <input id="file" type="file" accept=".json,application/json" @change=${this.onFile} />
        <label for="text">Or paste the JSON here</label>
        <textarea
          id="text"
          rows="10"
          spellcheck="false"
          autocomplete="off"
          .value=${this.text}
          @input=${this.onText}
        ></textarea>
        <label for="name">Save as</label>
        <input
          id="name"
          type="text"
          autocomplete="off"
          .value=${this.name}
          @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)}
        />
        <div class="actions">
          <button @click=${() => void this.validate()} ?disabled=${this.working}>Check</button>
          <button @click=${() => this.openInEditor(true)} ?disabled=${this.working || !this.text.trim()}>Open in editor</button>
          <button class="primary" @click=${() => void this.save()} ?disabled=${this.working}>Save</button>
        </div>
        ${this.renderCheck()}
        <p role="status" class="message">${this.message}</p>
      </section>

      <section class="card" aria-labelledby="saved-title">
        <h2 id="saved-title">Saved configurations</h2>
        <label class="secrets-choice">
          <input
            type="checkbox"
            .checked=${this.includeSecrets}
            @change=${(e: Event) => (this.includeSecrets = (e.target as HTMLInputElement).checked)}
          />
          Include passwords and keys in exported files
        </label>
        ${this.saved === undefined
          ? html`<p>Loading…</p>`
          : this.saved.length === 0
            ? html`<p class="muted">None saved yet.</p>`
            : html`<ul class="saved">
                ${this.saved.map(
                  (c) => html`<li data-config=${c.name}>
                    <div>
                      <div class="name">${c.name}</div>
                      <div class="muted">${countItems(c.raw)} · saved ${formatTime(c.savedAt)}</div>
                    </div>
                    <div class="actions">
                      <button @click=${() => this.openSaved(c)} aria-label=${`Open ${c.name}`}>Open</button>
                      <button @click=${() => void this.exportConfig(c)} aria-label=${`Export ${c.name}`}>Export</button>
                      <button class="danger" @click=${() => void this.deleteSaved(c)} aria-label=${`Delete ${c.name}`}>
                        Delete
                      </button>
                    </div>
                  </li>`,
                )}
              </ul>`}
      </section>
    `;
  }
}

customElements.define('ms-meters-page', MetersPage);
