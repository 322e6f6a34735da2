import { LitElement, css, html, nothing } from 'lit';
import type { StoredConfig } from '../../store';
import { downloadText, safeFileName } from '../download';
import { getEngine } from '../engine-client';
import { errorText, formatTime } from '../format';
import { pageStyles } from '../shared-styles';
import { getStore } from '../store-client';
import type { ConfigEditor } from '../editor/config-editor';
import '../editor/config-editor';
import { ERROR_STEP, renderCheck, type Check } from './meters-check';

/**
 * A file larger than this (bytes) is not put into the paste box: a text area holding megabytes lays
 * out for seconds. It is kept as the File, checked and opened in the editor all the same.
 */
const SHOWN_TEXT_LIMIT = 200_000;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The configuration editor (devices and signals as forms, see src/ui/editor), plus import, check,
 * save, list and export of whole configurations as JSON. The import box validates in the engine
 * worker (the same code that will refuse to start on a bad configuration), and so does the editor:
 * parsing and validating a 30,000-signal site never runs on this thread.
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
    errorsShown: { state: true },
    counts: { state: true },
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
  /** How many of the import box's errors are listed. */
  declare errorsShown: number;
  /** "N devices, M signals" of each saved configuration, counted in the worker (by name@savedAt). */
  declare counts: Map<string, string>;
  /**
   * A file too large for the paste box: kept as the File and handed to the worker as it is (a Blob
   * crosses to the worker without a copy); `text` is then empty.
   */
  private bigFile: File | undefined;

  constructor() {
    super();
    this.text = '';
    this.name = '';
    this.check = { kind: 'none' };
    this.message = '';
    this.saved = undefined;
    this.includeSecrets = false;
    this.working = false;
    this.errorsShown = ERROR_STEP;
    this.counts = new Map();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadSaved();
  }

  private async loadSaved(): Promise<void> {
    try {
      const store = await getStore();
      this.saved = (await store.listConfigs()).sort((a, b) => a.name.localeCompare(b.name));
      void this.countSaved(this.saved);
    } catch (e) {
      this.saved = [];
      this.message = `Saved configurations could not be read: ${errorText(e)}`;
    }
  }

  /** Counts of the saved list, parsed in the worker: a saved 5 MB site would block this thread. */
  private async countSaved(list: readonly StoredConfig[]): Promise<void> {
    const next = new Map(this.counts);
    for (const c of list) {
      const key = `${c.name}@${c.savedAt}`;
      if (next.has(key)) continue;
      try {
        const n = await getEngine().configCounts(c.raw);
        next.set(key, n ? `${plural(n.devices, 'device')}, ${plural(n.signals, 'signal')}` : 'unreadable');
      } catch {
        next.set(key, 'unreadable');
      }
    }
    this.counts = next;
  }

  private async onFile(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    // The same file chosen again must fire change again.
    input.value = '';
    if (file.size > SHOWN_TEXT_LIMIT) this.setText('', file);
    else this.setText(await file.text());
    this.name = file.name.replace(/\.json$/i, '');
    const editor = this.editor;
    if (editor && (!editor.hasUnsavedWork || confirm('Replace the configuration in the editor? Its unsaved changes are lost.'))) {
      await this.openInEditor(false);
    } else {
      await this.validate();
    }
  }

  private setText(text: string, bigFile?: File): void {
    this.text = text;
    this.bigFile = bigFile;
    this.check = { kind: 'none' };
    this.errorsShown = ERROR_STEP;
    this.message = '';
  }

  /** What the import box holds: the big file, or the text. */
  private get source(): string | Blob {
    return this.bigFile ?? this.text;
  }

  private get hasSource(): boolean {
    return this.bigFile !== undefined || this.text.trim() !== '';
  }

  private get editor(): ConfigEditor | null {
    return this.renderRoot.querySelector<ConfigEditor>('ms-config-editor');
  }

  /**
   * Check the import box's document in the engine worker and show it in the form editor, where each
   * mistake sits next to its field. `explicit`: the user pressed "Open in editor" (else a file was
   * just chosen). A newer import abandons this one.
   */
  private async openInEditor(explicit: boolean): Promise<void> {
    const editor = this.editor;
    if (!editor || !this.hasSource) return;
    if (explicit && editor.hasUnsavedWork && !confirm('Replace the configuration in the editor? Its unsaved changes are lost.')) return;
    this.working = true;
    try {
      const r = await editor.openText(this.source, this.name.trim() || 'imported', { dirty: true });
      if (r.status === 'abandoned') return;
      this.check = r.check;
      this.errorsShown = ERROR_STEP;
      if (!r.opened) {
        if (explicit) this.message = `The form cannot show it: ${r.reason ?? 'unknown reason'}.`;
        return;
      }
      if (explicit) this.message = 'Opened in the editor above.';
      // At the next frame: a layout forced here would add to the task that rendered the editor. The
      // focus goes to the editor's result line ("Valid: 5 device(s)…"), which reads it out.
      requestAnimationFrame(() => {
        editor.scrollIntoView({ block: 'start' });
        void editor.focusResult();
      });
    } catch (e) {
      this.check = { kind: 'unreadable', message: `The engine could not check it: ${errorText(e)}` };
    } finally {
      this.working = false;
    }
  }

  private async openSaved(c: StoredConfig): Promise<void> {
    const editor = this.editor;
    if (!editor) return;
    if (editor.hasUnsavedWork && !confirm(`Open "${c.name}"? Unsaved changes in the editor are lost.`)) return;
    try {
      const r = await editor.openText(c.raw, c.name);
      if (r.status === 'abandoned') return;
      this.message = r.opened ? '' : `"${c.name}" cannot be shown in the form: ${r.reason ?? 'unknown reason'}.`;
      if (r.opened) {
        editor.scrollIntoView({ block: 'start' });
        void editor.focusResult();
      }
    } catch (e) {
      this.message = `"${c.name}" could not be opened: ${errorText(e)}`;
    }
  }

  private onText(e: Event): void {
    this.setText((e.target as HTMLTextAreaElement).value);
  }

  private async validate(): Promise<boolean> {
    this.message = '';
    if (!this.hasSource) {
      this.check = { kind: 'unreadable', message: 'Choose a file or paste a configuration first.' };
      return false;
    }
    this.working = true;
    try {
      const result = await getEngine().checkConfigText(this.source);
      if (result.kind === 'abandoned') return false;
      this.check = result;
      this.errorsShown = ERROR_STEP;
      return result.kind === 'valid';
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
      await store.saveConfig(name, this.bigFile ? await this.bigFile.text() : this.text);
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
          aria-describedby="big-file"
          .value=${this.bigFile ? '' : this.text}
          @input=${this.onText}
        ></textarea>
        <p id="big-file" class="muted">
          ${this.bigFile
            ? `${this.bigFile.name} (${(this.bigFile.size / 1e6).toFixed(1)} MB) is loaded; it is too large to show here. Check, open or save it with the buttons below.`
            : nothing}
        </p>
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
          <button @click=${() => void this.openInEditor(true)} ?disabled=${this.working || !this.hasSource}>Open in editor</button>
          <button class="primary" @click=${() => void this.save()} ?disabled=${this.working}>Save</button>
        </div>
        ${renderCheck(this.check, this.errorsShown, () => (this.errorsShown += ERROR_STEP))}
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
                      <div class="muted">${this.counts.get(`${c.name}@${c.savedAt}`) ?? '…'} · saved ${formatTime(c.savedAt)}</div>
                    </div>
                    <div class="actions">
                      <button @click=${() => void this.openSaved(c)} aria-label=${`Open ${c.name}`}>Open</button>
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
