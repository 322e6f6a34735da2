import { LitElement, css, html, nothing } from 'lit';
import { pageStyles } from '../shared-styles';

/** One signal's latest value, ready to show. */
export interface LiveRow {
  key: string;
  device_alias: string;
  signal_alias: string;
  /** The configuration's signal_name. */
  name: string;
  /** The address (OBIS / data-set) and its meaning in words, when known. */
  address?: string;
  words?: string;
  value: string;
  unit?: string;
  quality: 'good' | 'bad' | 'waiting';
  error?: string;
  /** Local time text of the reading. */
  time?: string;
}

/**
 * The live table of signals. Updates are not announced row by row (that would drown a screen reader
 * during polling): the page says the outcome of each read once, through the shared announcer.
 */
export class LiveTable extends LitElement {
  static override properties = {
    rows: { attribute: false },
    caption: {},
  };

  static override styles = [
    pageStyles,
    css`
      td.value {
        font-variant-numeric: tabular-nums;
        font-size: 1.1rem;
        font-weight: 700;
        overflow-wrap: anywhere;
      }
      .bad {
        color: var(--ms-error);
        font-weight: 600;
      }
      .good {
        color: var(--ms-success);
        font-weight: 600;
      }
      .words,
      .id {
        display: block;
        color: var(--ms-muted);
        font-size: 0.9rem;
        line-height: 1.4;
      }
      .name {
        display: block;
        line-height: 1.35;
      }
      /* demo_dlms/1_0_1_8_0 has no spaces: it breaks anywhere rather than running into the next line. */
      .id,
      .id code {
        overflow-wrap: anywhere;
        word-break: break-word;
      }
      td {
        overflow-wrap: anywhere;
      }
      /* Numbers right-aligned, next to their unit, so digits line up down the column. */
      th.value,
      td.value {
        text-align: right;
      }
      /* A number never breaks across lines (147 238.4 split after the group separator reads as two). */
      td.value {
        white-space: nowrap;
        overflow-wrap: normal;
        font-variant-numeric: tabular-nums;
      }
      /* Narrow screens: one compact card per signal (name; value and unit; quality and time), not
         five labelled lines, so a technician sees a screenful of values at a glance. */
      @media (max-width: 600px) {
        table.stack.live tr {
          display: grid;
          grid-template-columns: auto minmax(0, 1fr);
          gap: 0.1rem 0.5rem;
          padding: 0.5rem 0;
        }
        table.stack.live td {
          display: block;
          padding: 0;
        }
        table.stack.live td::before {
          content: none;
        }
        table.stack.live td[data-label='Signal'] {
          grid-column: 1 / -1;
        }
        table.stack.live td[data-label='Value'] {
          grid-column: 1;
          text-align: left;
        }
        table.stack.live td[data-label='Unit'] {
          grid-column: 2;
          align-self: end;
          font-weight: 600;
        }
        table.stack.live td[data-label='Time'] {
          text-align: right;
          color: var(--ms-muted);
          font-size: 0.85rem;
        }
        table.stack.live code.address {
          display: none;
        }
      }
    `,
  ];

  declare rows: LiveRow[];
  declare caption: string;

  constructor() {
    super();
    this.rows = [];
    this.caption = 'Signals';
  }

  private quality(r: LiveRow) {
    if (r.quality === 'good') return html`<span class="good">✓ good</span>`;
    if (r.quality === 'bad') return html`<span class="bad">✗ bad${r.error ? html` (${r.error})` : nothing}</span>`;
    return html`<span class="muted">waiting</span>`;
  }

  override render() {
    return html`<div class="table-wrap live-wrap">
      <table class="stack live">
        <caption class="visually-hidden">${this.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Signal</th>
            <th scope="col" class="value">Value</th>
            <th scope="col">Unit</th>
            <th scope="col">Quality</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          ${this.rows.map(
            (r) => html`<tr data-key=${r.key}>
              <td data-label="Signal">
                <span class="signal"
                  ><strong class="name">${title(r)}</strong>${r.words && !title(r).includes(r.words) && title(r) !== r.words
                    ? html`<span class="words">${r.words}</span>`
                    : nothing}<span class="id muted">${r.device_alias}/${r.signal_alias}${r.address
                    ? html`<code class="address"> · ${r.address}</code>`
                    : nothing}</span></span
                >
              </td>
              <td data-label="Value" class="value">${r.value}</td>
              <td data-label="Unit">${r.unit ?? ''}</td>
              <td data-label="Quality">${this.quality(r)}</td>
              <td data-label="Time">${r.time ?? ''}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}

/**
 * The signal's name, printed once: where the dictionary's words only extend the configured name
 * ("Active energy import (+A)" → "…, total"), the words are the name.
 */
function title(r: LiveRow): string {
  if (r.words && r.words !== r.name && bare(r.words).startsWith(bare(r.name))) return r.words;
  return r.name;
}

/** A name without its parenthesised codes and punctuation: "Active energy import, tariff 1" = "…(+A), tariff 1". */
function bare(text: string): string {
  return text
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

customElements.define('ms-live-table', LiveTable);
