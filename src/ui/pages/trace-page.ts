import { LitElement, css, html } from 'lit';
import { LEVEL_NAMES } from '../../core/logger';
import { EngineWatch, engineMonitor, getEngine } from '../engine-client';
import { pageStyles } from '../shared-styles';

/** The engine's trace lines as they arrive, filtered by level like the CLI's -d option. */
export class TracePage extends LitElement {
  static override properties = {
    maxLevel: { state: true },
  };

  static override styles = [
    pageStyles,
    css`
      .trace {
        list-style: none;
        margin: 0;
        padding: 0.5rem;
        max-height: 60vh;
        overflow: auto;
        font-family: var(--ms-mono);
        font-size: 0.85rem;
        background: var(--ms-surface);
        border: 1px solid var(--ms-border);
        border-radius: 0.5rem;
      }
      .trace li {
        padding: 0.15rem 0;
        overflow-wrap: anywhere;
      }
      .meta {
        color: var(--ms-muted);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        align-items: end;
        gap: 0.5rem 1rem;
      }
      .row > div {
        flex: 1 1 12rem;
        max-width: 20rem;
      }
    `,
  ];

  declare maxLevel: number;

  constructor() {
    super();
    this.maxLevel = engineMonitor.traceLevel;
    new EngineWatch(this);
  }

  private readonly onLevel = (e: Event): void => {
    this.maxLevel = Number((e.target as HTMLSelectElement).value);
    engineMonitor.traceLevel = this.maxLevel;
    // The engine only produces lines up to its level, so raising the view must raise the engine too.
    void getEngine()
      .setTraceLevel(this.maxLevel)
      .catch(() => undefined);
  };

  override render() {
    const lines = engineMonitor.trace.filter((l) => l.level <= this.maxLevel);
    return html`
      <h1>Trace</h1>
      <p class="muted">What the engine worker reports, newest last. Frames appear here once protocol sessions are wired.</p>
      <div class="row">
        <div>
          <label for="level">Show levels up to</label>
          <select id="level" @change=${this.onLevel}>
            ${[1, 2, 3, 4, 5, 6, 7].map(
              (n) => html`<option value=${n} ?selected=${n === this.maxLevel}>${n} · ${LEVEL_NAMES[n]}</option>`,
            )}
          </select>
        </div>
        <button @click=${() => engineMonitor.clearTrace()}>Clear view</button>
      </div>
      <h2 id="lines-title">${lines.length} line(s)</h2>
      ${lines.length === 0
        ? html`<p class="card">No trace lines yet.</p>`
        : html`<ol class="trace" aria-labelledby="lines-title" tabindex="0">
            ${lines.map(
              (l) => html`<li>
                <span class="meta">${new Date(l.ts).toLocaleTimeString()} [${l.level}] ${l.port}${l.dir ? ` ${l.dir}` : ''}</span>
                ${l.message}${l.hex ? html`<br /><code>${l.hex}</code>` : ''}
              </li>`,
            )}
          </ol>`}
    `;
  }
}

customElements.define('ms-trace-page', TracePage);
