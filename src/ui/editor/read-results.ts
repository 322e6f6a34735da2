import { html, nothing } from 'lit';
import type { Reading } from '../../core/reading';

/** The values a "Load and read" or a device's Read brought back, under the editor. */
export function renderReadResults(r: readonly Reading[] | undefined) {
  if (!r || r.length === 0) return nothing;
  return html`<div class="table-wrap">
    <table class="stack read-results">
      <caption class="visually-hidden">Values read</caption>
      <thead>
        <tr><th scope="col">Device</th><th scope="col">Signal</th><th scope="col">Value</th><th scope="col">Quality</th></tr>
      </thead>
      <tbody>
        ${r.map(
          (x) => html`<tr>
            <td data-label="Device">${x.device_alias}</td>
            <td data-label="Signal"><span>${x.signal_alias}${x.address ? html`<br /><code class="muted">${x.address}</code>` : nothing}</span></td>
            <td data-label="Value">${x.value === null ? '' : String(x.value)} ${x.unit ?? ''}</td>
            <td data-label="Quality" class=${x.quality === 'good' ? '' : 'bad-q'}>${x.quality}${x.error ? ` (${x.error})` : ''}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
