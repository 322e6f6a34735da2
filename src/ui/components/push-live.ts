import { LitElement, css, html, nothing } from 'lit';
import type { Reading } from '../../core/reading';
import { EngineWatch, engineMonitor } from '../engine-client';
import { pageStyles } from '../shared-styles';
import { isActivePower, latestOf, powerSeries, pushDevices, sparkPoints, type PushDeviceInfo } from './push-live-model';

const SPARK_W = 240;
const SPARK_H = 40;

/**
 * The live view of each pushing meter (DLMS mode PUSH, e.g. DEMO-HAN) on the Read page: its state and
 * counts (pushes, missing, bad frames by reason, as the engine's status line says them), a sparkline
 * of active power over the last pushes, and every value of the latest push. Renders nothing when the
 * loaded configuration has no PUSH device. Values are announced by the page's summary, not here.
 */
export class PushLive extends LitElement {
  static override properties = {
    describe: { attribute: false },
  };

  static override styles = [
    pageStyles,
    css`
      .counts {
        font-variant-numeric: tabular-nums;
      }
      .power {
        display: flex;
        align-items: center;
        gap: 0.75rem;
        flex-wrap: wrap;
      }
      .now {
        font-size: 1.4rem;
        font-weight: 700;
        font-variant-numeric: tabular-nums;
      }
      svg {
        max-width: 100%;
        height: auto;
      }
      polyline {
        fill: none;
        stroke: var(--ms-primary, #d97706);
        stroke-width: 2;
      }
      td.value {
        font-variant-numeric: tabular-nums;
        font-weight: 700;
        overflow-wrap: anywhere;
      }
    `,
  ];

  /** OBIS code -> words (the page hands in the dictionary it already loaded). */
  declare describe: ((obis: string) => string | undefined) | undefined;

  constructor() {
    super();
    new EngineWatch(this);
    this.describe = undefined;
  }

  override render() {
    const devices = pushDevices(engineMonitor.loaded?.raw);
    if (devices.length === 0) return nothing;
    return html`${devices.map((d) => this.renderDevice(d))}`;
  }

  private renderDevice(d: PushDeviceInfo) {
    const status = engineMonitor.status?.devices.find((s) => s.device_alias === d.device_alias);
    const values = latestOf(engineMonitor.latest, d.device_alias);
    const series = powerSeries(engineMonitor.session, d.device_alias);
    const power = values.find(isActivePower);
    const id = `push-${d.device_alias}`;
    return html`<section class="card push-live" data-device=${d.device_alias} aria-labelledby=${id}>
      <h2 id=${id}>Live: ${d.name}</h2>
      <p class="counts" data-testid="push-counts">
        ${status ? html`<strong>${status.state}</strong>${status.detail ? html` — ${status.detail}` : nothing}` : 'Not listening yet.'}
      </p>
      ${power
        ? html`<div class="power">
            <span class="now" data-testid="push-power">${show(power)}</span>
            ${series.length > 1
              ? html`<svg
                  role="img"
                  aria-label=${`Active power over the last ${series.length} pushes: ${Math.min(...series)} to ${Math.max(...series)}${power.unit ? ` ${power.unit}` : ''}`}
                  viewBox="0 0 ${SPARK_W} ${SPARK_H}"
                  width=${SPARK_W}
                  height=${SPARK_H}
                >
                  <polyline points=${sparkPoints(series, SPARK_W, SPARK_H)}></polyline>
                </svg>`
              : nothing}
          </div>`
        : nothing}
      ${values.length === 0
        ? html`<p class="muted">Waiting for the first push…</p>`
        : html`<table data-testid="push-values">
            <caption class="visually-hidden">Values of the latest push from ${d.name}</caption>
            <thead>
              <tr><th scope="col">Value</th><th scope="col">Reading</th><th scope="col">Time</th></tr>
            </thead>
            <tbody>
              ${values.map(
                (r) => html`<tr>
                  <th scope="row">${this.label(r)}</th>
                  <td class="value">${r.quality === 'good' ? show(r) : `bad (${r.error ?? '?'})`}</td>
                  <td>${new Date(r.ts).toLocaleTimeString()}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}
    </section>`;
  }

  private label(r: Reading): string {
    const obis = (r.address ?? '').replace(/:\d+$/, '');
    const words = obis ? this.describe?.(obis) : undefined;
    if (r.signal_alias === obis) return words ? `${words} (${obis})` : obis;
    return words ? `${r.signal_alias} — ${words}` : r.signal_alias;
  }
}

function show(r: Reading): string {
  const v = typeof r.value === 'number' && r.decimals !== undefined ? r.value.toFixed(r.decimals) : String(r.value);
  return `${v}${r.unit ? ` ${r.unit}` : ''}`;
}

if (!customElements.get('ms-push-live')) customElements.define('ms-push-live', PushLive);
