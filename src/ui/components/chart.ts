import { LitElement, css, html, unsafeCSS } from 'lit';
import type uPlot from 'uplot';
// uPlot's stylesheet as text: the chart lives in a shadow root, which the document's CSS never reaches.
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import type { ChartData } from '../pages/profiles-model';
import { axisPrefix } from '../pages/profiles-chart';

/** Mid-tone series colours readable on both the light and the dark surface; the first is the theme's primary. */
const PALETTE = ['#d97706', '#059669', '#c026d3', '#0891b2', '#dc2626', '#65a30d', '#7c3aed'];

/**
 * A time chart (uPlot, loaded on first use so only the Profiles page pays for it). One y scale per
 * unit: the first two get an axis (left, right) labelled with the quantity and an SI-prefixed unit.
 * Amounts per interval are bars ending at the interval's time stamp; levels are lines; nulls are gaps.
 * Theme tokens colour the axes; a theme switch redraws.
 * The chart is an image to assistive technology, described by `summary`; the page's table holds the values.
 */
export class TimeChart extends LitElement {
  static override properties = {
    data: { attribute: false },
    summary: {},
    failed: { state: true },
  };

  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host {
        display: block;
        min-width: 0;
      }
      .plot {
        width: 100%;
        min-height: 240px;
        overflow: hidden;
      }
      .uplot {
        font-family: inherit;
        color: var(--ms-text);
      }
      .u-legend {
        color: var(--ms-text);
        font-size: 0.85rem;
      }
    `,
  ];

  declare data: ChartData | undefined;
  declare summary: string;
  declare failed: string;
  private plot: uPlot | undefined;
  private resize: ResizeObserver | undefined;
  private themeWatch: MutationObserver | undefined;
  private readonly dark = matchMedia('(prefers-color-scheme: dark)');
  private readonly rebuild = () => void this.draw();
  private drawing = 0;

  constructor() {
    super();
    this.data = undefined;
    this.summary = '';
    this.failed = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.themeWatch = new MutationObserver(this.rebuild);
    this.themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    this.dark.addEventListener('change', this.rebuild);
  }

  override disconnectedCallback(): void {
    this.themeWatch?.disconnect();
    this.dark.removeEventListener('change', this.rebuild);
    this.resize?.disconnect();
    this.resize = undefined;
    this.plot?.destroy();
    this.plot = undefined;
    super.disconnectedCallback();
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('data')) void this.draw();
  }

  private box(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.plot');
  }

  private size(el: HTMLElement) {
    const width = Math.max(200, Math.floor(el.clientWidth));
    return { width, height: width < 500 ? 240 : 320 };
  }

  private async draw(): Promise<void> {
    const ticket = ++this.drawing;
    const el = this.box();
    const data = this.data;
    if (!el || !data) return;
    let UPlot: typeof uPlot;
    try {
      UPlot = (await import('uplot')).default;
    } catch (e) {
      this.failed = `The chart could not be loaded (${e instanceof Error ? e.message : String(e)}).`;
      return;
    }
    if (ticket !== this.drawing) return; // a newer draw started while uPlot loaded
    this.plot?.destroy();
    this.plot = undefined;
    if (data.x.length === 0 || data.series.length === 0) return;

    const token = (name: string) => getComputedStyle(this).getPropertyValue(`--ms-${name}`).trim() || undefined;
    const text = token('text') ?? '#17202a';
    const grid = token('border') ?? '#d5dbe1';
    const units = [...new Set(data.series.map((s) => s.unit || '—'))];
    // One SI prefix per axis, from its largest value: ticks read 0.5 / 1.0 and the label says [kWh].
    const prefixes = new Map(
      units.map((u) => {
        let max = 0;
        for (const s of data.series) if ((s.unit || '—') === u) for (const v of s.values) if (v !== null && Math.abs(v) > max) max = Math.abs(v);
        return [u, u === '—' ? { factor: 1, unit: '' } : axisPrefix(max, u)];
      }),
    );
    const quantity = (u: string) => data.series.find((s) => (s.unit || '—') === u)?.quantity;
    const axis = (scale: string, side: 0 | 1 | 2 | 3): uPlot.Axis => {
      const p = prefixes.get(scale);
      const q = scale === 'x' ? '' : quantity(scale);
      const label = scale === 'x' ? '' : [q, p?.unit ? `[${p.unit}]` : ''].filter(Boolean).join(' ');
      return {
        scale,
        side,
        stroke: text,
        grid: { stroke: grid, width: 1, show: side !== 1 },
        ticks: { stroke: grid, width: 1 },
        ...(label ? { label, labelSize: 22 } : {}),
        ...(p ? { values: (_u: uPlot, splits: number[]) => splits.map((v) => tickText(v / p.factor)) } : {}),
        // Wide enough for the longest tick label, so nothing is clipped (123456.5 kWh was).
        size: side === 2 ? 52 : (_u: uPlot, values: string[] | null) => 18 + 8 * Math.max(3, ...(values ?? []).map((v) => v.length)),
      };
    };
    const bars = UPlot.paths.bars?.({ size: [0.8, 48], align: -1 });
    const opts: uPlot.Options = {
      ...this.size(el),
      scales: { x: { time: true } },
      axes: [axis('x', 2), ...units.slice(0, 2).map((u, i) => axis(u, i === 0 ? 3 : 1))],
      series: [
        {},
        ...data.series.map((s, i): uPlot.Series => {
          const colour = i === 0 ? (token('primary') ?? PALETTE[0]!) : PALETTE[(i - 1) % PALETTE.length]!;
          const p = prefixes.get(s.unit || '—');
          return {
            label: p?.unit ? `${s.label} [${p.unit}]` : s.label,
            scale: s.unit || '—',
            stroke: colour,
            width: s.bars ? 1 : 2,
            spanGaps: false,
            value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : tickText(v / (p?.factor ?? 1))),
            ...(s.bars && bars ? { paths: bars, fill: `${colour}99`, points: { show: false } } : { points: { show: data.x.length < 60 } }),
          };
        }),
      ],
      legend: { show: true },
      cursor: { drag: { x: true, y: false } },
    };
    this.plot = new UPlot(opts, [data.x, ...data.series.map((s) => s.values)] as uPlot.AlignedData, el);
    if (!this.resize) {
      this.resize = new ResizeObserver(() => {
        const box = this.box();
        if (box && this.plot) this.plot.setSize(this.size(box));
      });
      this.resize.observe(el);
    }
  }

  override render() {
    return html`<figure style="margin:0">
      <div class="plot" role="img" aria-label=${this.summary || 'Chart'}></div>
      ${this.failed ? html`<p role="alert">${this.failed}</p>` : ''}
    </figure>`;
  }
}

/** Up to 4 significant digits, no exponent noise: axis ticks and legend values. */
function tickText(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 ? String(Math.round(v)) : String(Number(v.toPrecision(4)));
}

customElements.define('ms-chart', TimeChart);
