import { LitElement, css, html, nothing } from 'lit';
import { LEVEL_NAMES, type TraceLine } from '../../core/logger';
import type { DecodedNode } from '../../worker/engine-api';
import { downloadText } from '../download';
import { EngineWatch, engineMonitor, getEngine } from '../engine-client';
import { errorText } from '../format';
import { disclosureStyles, pageStyles } from '../shared-styles';
import { dirLabel, filterLines, formatClock, isDecodedNode, linesText, portsOf } from './trace-format';

/** Nested <details>: native keyboard support (Enter/Space) and screen readers announce expanded state. */
function renderNode(n: DecodedNode): unknown {
  const text = html`<span class="k">${n.label}</span>${n.value !== undefined ? html`: <span class="v">${n.value}</span>` : nothing}`;
  if (!n.children || n.children.length === 0) return html`<li class="leaf">${text}</li>`;
  return html`<li>
    <details open>
      <summary><span>${text}</span></summary>
      <ul>
        ${n.children.map(renderNode)}
      </ul>
    </details>
  </li>`;
}

/**
 * The debug console: the engine's trace lines with level (the CLI's -d 0..7), port and text filters,
 * millisecond timestamps, direction, hex, and each frame decoded into a tree (HDLC, APDU, A-XDR,
 * IEC messages) from level 5 up. Copy and Save take exactly the lines on screen.
 */
export class TracePage extends LitElement {
  static override properties = {
    maxLevel: { state: true },
    port: { state: true },
    text: { state: true },
    message: { state: true },
  };

  static override styles = [
    pageStyles,
    disclosureStyles,
    css`
      .controls {
        display: flex;
        flex-wrap: wrap;
        align-items: end;
        gap: 0.5rem 1rem;
      }
      .controls > div {
        flex: 1 1 11rem;
        max-width: 20rem;
        min-width: 0;
      }
      .controls label {
        margin-top: 0;
      }
      .controls > div.actions {
        flex: 0 1 auto;
        max-width: none;
        margin: 0;
      }
      /* No scroll box of its own: on a phone a scroller inside the scrolling page traps the thumb. */
      .trace {
        list-style: none;
        margin: 0;
        padding: 0.25rem 0.5rem;
        font-family: var(--ms-mono);
        font-size: 0.85rem;
        background: var(--ms-surface);
        border: 1px solid var(--ms-border);
        border-radius: 0.5rem;
      }
      .trace > li {
        padding: 0.25rem 0;
        border-bottom: 1px solid var(--ms-border);
        overflow-wrap: anywhere;
      }
      .meta {
        color: var(--ms-muted);
      }
      .dir {
        display: inline-block;
        min-width: 3.2rem;
        font-weight: 700;
      }
      .dir.tx {
        color: var(--ms-link);
      }
      .dir.rx {
        color: var(--ms-success);
      }
      .lvl1,
      .lvl2 {
        color: var(--ms-error);
        font-weight: 600;
      }
      .hex {
        display: block;
        color: var(--ms-muted);
      }
      .decoded summary {
        display: flex;
        align-items: center;
        gap: 0.4rem;
        min-height: 44px;
        box-sizing: border-box;
        padding: 0.2rem 0;
        cursor: pointer;
      }
      .decoded ul {
        list-style: none;
        margin: 0;
        padding-left: 1.1rem;
        border-left: 1px dotted var(--ms-border-strong);
      }
      .decoded li.leaf {
        padding-left: 1rem;
      }
      .k {
        color: var(--ms-muted);
      }
      .v {
        color: var(--ms-text);
        font-weight: 600;
      }
    `,
  ];

  declare maxLevel: number;
  declare port: string;
  declare text: string;
  declare message: string;

  /** Lines whose decoded tree is open: trees render only when asked for, so 1000 lines stay fast. */
  private readonly openTrees = new WeakSet<TraceLine>();
  /** Follow new lines while the user is at the bottom of the page (the list scrolls with the page). */
  private stick = false;
  private readonly onScroll = (): void => {
    const doc = document.documentElement;
    this.stick = window.scrollY + window.innerHeight >= doc.scrollHeight - 24;
  };
  /** Lines shown at the last render: only new lines scroll the list, not opening a tree. */
  private shownCount = 0;

  constructor() {
    super();
    this.maxLevel = engineMonitor.traceLevel;
    this.port = '';
    this.text = '';
    this.message = '';
    new EngineWatch(this);
  }

  private readonly onLevel = (e: Event): void => {
    this.maxLevel = Number((e.target as HTMLSelectElement).value);
    engineMonitor.traceLevel = this.maxLevel;
    // The engine only produces lines up to its level, so raising the view must raise the engine too.
    void getEngine()
      .setTraceLevel(this.maxLevel)
      .catch((err: unknown) => (this.message = `The engine did not take the level: ${errorText(err)}`));
  };

  private visible(): TraceLine[] {
    return filterLines(engineMonitor.trace, { maxLevel: this.maxLevel, port: this.port, text: this.text });
  }

  private async copy(): Promise<void> {
    const lines = this.visible();
    try {
      await navigator.clipboard.writeText(linesText(lines));
      this.message = `Copied ${lines.length} line(s) to the clipboard.`;
    } catch (e) {
      this.message = `Copy failed (${errorText(e)}); use Save instead.`;
    }
  }

  private save(): void {
    const lines = this.visible();
    const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, '');
    downloadText(`meterscope-trace-${stamp}.txt`, linesText(lines), 'text/plain');
    this.message = `Saved ${lines.length} line(s).`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('scroll', this.onScroll, { passive: true });
  }

  override disconnectedCallback(): void {
    window.removeEventListener('scroll', this.onScroll);
    super.disconnectedCallback();
  }

  override updated(): void {
    const list = this.renderRoot.querySelector<HTMLElement>('.trace');
    const count = list?.childElementCount ?? 0;
    if (list && this.stick && count !== this.shownCount) window.scrollTo({ top: document.documentElement.scrollHeight });
    this.shownCount = count;
  }

  private renderLine(l: TraceLine) {
    const tree = isDecodedNode(l.decoded) ? l.decoded : undefined;
    return html`<li data-level=${l.level}>
      <span class="meta">${formatClock(l.ts)} [${l.level}] ${l.port}</span>
      ${l.dir ? html`<span class="dir ${l.dir}">${dirLabel(l.dir)}</span>` : nothing}
      <span class=${`lvl${l.level}`}>${l.message}</span>
      ${l.hex ? html`<code class="hex">${l.hex}</code>` : nothing}
      ${tree
        ? html`<details
            class="decoded"
            ?open=${this.openTrees.has(l)}
            @toggle=${(e: Event) => {
              const open = (e.target as HTMLDetailsElement).open;
              if (open === this.openTrees.has(l)) return;
              if (open) this.openTrees.add(l);
              else this.openTrees.delete(l);
              this.requestUpdate();
            }}
          >
            <summary>Decoded: ${tree.label}${tree.value !== undefined ? ` — ${tree.value}` : ''}</summary>
            ${this.openTrees.has(l) ? html`<ul>${(tree.children ?? []).map(renderNode)}</ul>` : nothing}
          </details>`
        : nothing}
    </li>`;
  }

  override render() {
    const ports = portsOf(engineMonitor.trace);
    const lines = this.visible();
    const total = engineMonitor.trace.length;
    return html`
      <h1>Trace</h1>
      <p class="muted">
        What the engine reports, newest last. Level 5 shows every frame decoded (HDLC, APDU, A-XDR values, IEC 62056-21
        messages), level 7 every byte. Passwords and keys are masked by the engine before they reach this page.
      </p>
      <div class="controls card">
        <div>
          <label for="level">Trace level</label>
          <select id="level" @change=${this.onLevel}>
            ${[0, 1, 2, 3, 4, 5, 6, 7].map(
              (n) => html`<option value=${n} ?selected=${n === this.maxLevel}>${n} · ${LEVEL_NAMES[n]}</option>`,
            )}
          </select>
        </div>
        <div>
          <label for="port">Port</label>
          <select id="port" @change=${(e: Event) => (this.port = (e.target as HTMLSelectElement).value)}>
            <option value="" ?selected=${this.port === ''}>All ports</option>
            ${ports.map((p) => html`<option value=${p} ?selected=${p === this.port}>${p}</option>`)}
          </select>
        </div>
        <div>
          <label for="find">Find</label>
          <input
            id="find"
            type="search"
            autocomplete="off"
            spellcheck="false"
            placeholder="text or hex, e.g. 7E A0"
            .value=${this.text}
            @input=${(e: Event) => (this.text = (e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="actions">
          <button @click=${() => void this.copy()} ?disabled=${lines.length === 0}>Copy</button>
          <button @click=${() => this.save()} ?disabled=${lines.length === 0}>Save</button>
          <button @click=${() => engineMonitor.clearTrace()}>Clear view</button>
        </div>
      </div>
      <p role="status" class="message">${this.message}</p>
      <h2 id="lines-title">${lines.length} line(s)${lines.length !== total ? ` of ${total}` : ''}</h2>
      ${lines.length === 0
        ? html`<p class="card">
            No trace lines${total ? ' match the filters' : ' yet'}. ${this.maxLevel < 5
              ? 'Set the level to 5 or more to see each frame decoded, then read a meter.'
              : 'Read a meter to see its frames.'}
          </p>`
        : html`<ol class="trace" aria-labelledby="lines-title">
            ${lines.map((l) => this.renderLine(l))}
          </ol>`}
    `;
  }
}

customElements.define('ms-trace-page', TracePage);
