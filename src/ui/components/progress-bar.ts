import { LitElement, css, html } from 'lit';
import { progressText } from './progress-text';

/**
 * A labelled progress bar for long reads: "1,234 of 5,000 received (25 %)". With an unknown total
 * (expected 0) it is indeterminate and only counts what has arrived. The native <progress> element
 * gives screen readers the progressbar role and its value without extra ARIA.
 */
export class ProgressBar extends LitElement {
  static override properties = {
    label: {},
    done: { type: Number },
    expected: { type: Number },
  };

  static override styles = css`
    :host {
      display: block;
      margin: 0.5rem 0;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      justify-content: space-between;
      gap: 0.25rem 1rem;
      font-size: 0.9rem;
    }
    .label {
      font-weight: 600;
    }
    progress {
      display: block;
      width: 100%;
      height: 0.9rem;
      margin-top: 0.25rem;
      accent-color: var(--ms-primary);
    }
  `;

  declare label: string;
  declare done: number;
  declare expected: number;

  constructor() {
    super();
    this.label = 'Progress';
    this.done = 0;
    this.expected = 0;
  }

  override render() {
    const text = progressText(this.done, this.expected);
    const known = this.expected > 0;
    return html`
      <div class="row"><span class="label">${this.label}</span><span class="text">${text}</span></div>
      ${known
        ? html`<progress max=${this.expected} .value=${Math.min(this.done, this.expected)} aria-label=${this.label} aria-valuetext=${text}></progress>`
        : html`<progress aria-label=${this.label} aria-valuetext=${text}></progress>`}
    `;
  }
}

customElements.define('ms-progress', ProgressBar);
