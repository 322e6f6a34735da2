import { LitElement, css, html } from 'lit';
import { errorText } from '../format';
import { pageStyles } from '../shared-styles';
import { getStore } from '../store-client';
import { CSV_FACTORY, loadCsvPreferences, saveCsvPreferences, type CsvPreferences } from './settings-export';

/** The "CSV files" card of Settings: BOM and separator, saved at once on change. */
export class CsvSettings extends LitElement {
  static override properties = { prefs: { state: true }, message: { state: true } };
  static override styles = [
    pageStyles,
    // The whole line is the checkbox's 44 px target (as on the rest of Settings).
    css`
      .choice {
        display: flex;
        align-items: center;
        gap: 0.6rem;
        min-height: 44px;
        font-weight: 400;
        margin: 0;
      }
      .choice input {
        width: 1.25rem;
        height: 1.25rem;
        margin: 0;
      }
      .help {
        margin: 0 0 0.5rem;
        font-size: 0.9rem;
      }
    `,
  ];

  declare prefs: CsvPreferences;
  declare message: string;

  constructor() {
    super();
    this.prefs = { ...CSV_FACTORY };
    this.message = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void getStore()
      .then(loadCsvPreferences)
      .then((p) => (this.prefs = p))
      .catch((e: unknown) => (this.message = `Settings could not be read: ${errorText(e)}`));
  }

  private async set(next: CsvPreferences): Promise<void> {
    this.prefs = next;
    try {
      await saveCsvPreferences(await getStore(), next);
      this.message = next.separator === ';' ? 'Saved: cells separated by ";", numbers with a decimal comma (50,00).' : 'Saved: RFC 4180 CSV (comma, decimal point).';
    } catch (e) {
      this.message = `Not saved: ${errorText(e)}`;
    }
  }

  override render() {
    const p = this.prefs;
    return html`<label class="choice">
        <input type="checkbox" id="csv-bom" .checked=${p.bom} @change=${(e: Event) => void this.set({ ...p, bom: (e.target as HTMLInputElement).checked })} />
        Start CSV files with a UTF-8 byte order mark (BOM)
      </label>
      <p class="muted help">Excel needs it to show units such as m³ and °C correctly.</p>
      <label for="csv-separator">Separator</label>
      <select id="csv-separator" @change=${(e: Event) => void this.set({ ...p, separator: (e.target as HTMLSelectElement).value === ';' ? ';' : ',' })}>
        <option value="," ?selected=${p.separator === ','}>Comma, decimal point (RFC 4180: 50.00)</option>
        <option value=";" ?selected=${p.separator === ';'}>Semicolon, decimal comma (spreadsheets in lt, de, fr…: 50,00)</option>
      </select>
      <p role="status" class="csv-message">${this.message}</p>`;
  }
}

customElements.define('ms-csv-settings', CsvSettings);
