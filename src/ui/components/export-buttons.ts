import { LitElement, css, html } from 'lit';
import { MIME, exportFileName } from '../../export/file-names';
import { saveStream } from '../../export/save-file';
import { errorText } from '../format';
import { pageStyles } from '../shared-styles';

/** What to export; the streams are created on click, so nothing is encoded until the user asks. */
export interface ExportSource {
  /** Goes into the file name, e.g. "demo_dlms-readings". */
  name: string;
  csv(): ReadableStream<Uint8Array>;
  json(): ReadableStream<Uint8Array>;
}

type Format = 'csv' | 'json';

/**
 * "Export CSV" / "Export JSON" for one selection. The streams go to the File System Access API
 * where the browser has it (written as produced) and to a download otherwise (see save-file.ts).
 */
export class ExportButtons extends LitElement {
  static override properties = {
    label: {},
    source: { attribute: false },
    disabled: { type: Boolean },
    message: { state: true },
    busy: { state: true },
  };

  static override styles = [
    pageStyles,
    css`
      :host {
        display: block;
      }
      fieldset {
        border: 0;
        padding: 0;
        margin: 0.5rem 0 0;
        min-width: 0;
      }
      legend {
        font-weight: 600;
        padding: 0;
      }
      .actions {
        margin-top: 0.4rem;
      }
      p {
        margin: 0.25rem 0 0;
        min-height: 1.5em;
      }
    `,
  ];

  declare label: string;
  declare source: ExportSource | undefined;
  declare disabled: boolean;
  declare message: string;
  declare busy: boolean;

  constructor() {
    super();
    this.label = 'Export';
    this.source = undefined;
    this.disabled = false;
    this.message = '';
    this.busy = false;
  }

  /** Called straight from the click: the save picker needs the user's gesture, so nothing is awaited first. */
  private save(format: Format): void {
    const src = this.source;
    if (!src) return;
    const name = exportFileName(src.name, format);
    let stream: ReadableStream<Uint8Array>;
    try {
      stream = format === 'csv' ? src.csv() : src.json();
    } catch (e) {
      this.message = `Export failed: ${errorText(e)}`;
      return;
    }
    this.busy = true;
    this.message = `Exporting ${name}…`;
    saveStream(stream, name, MIME[format])
      .then((outcome) => {
        this.message =
          outcome === 'saved' ? `Saved ${name}.` : outcome === 'downloaded' ? `Downloaded ${name}.` : 'Export cancelled.';
        this.dispatchEvent(new CustomEvent('exported', { detail: { outcome, name, format }, bubbles: true, composed: true }));
      })
      .catch((e: unknown) => (this.message = `Export failed: ${errorText(e)}`))
      .finally(() => (this.busy = false));
  }

  override render() {
    const off = this.disabled || this.busy || !this.source;
    return html`<fieldset>
      <legend>${this.label}</legend>
      <div class="actions">
        <button type="button" aria-label="Export CSV: ${this.label}" ?disabled=${off} @click=${() => this.save('csv')}>Export CSV</button>
        <button type="button" aria-label="Export JSON: ${this.label}" ?disabled=${off} @click=${() => this.save('json')}>Export JSON</button>
      </div>
      <p role="status" class="muted">${this.message}</p>
    </fieldset>`;
  }
}

customElements.define('ms-export-buttons', ExportButtons);
