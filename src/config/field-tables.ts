/**
 * The field tables of docs/configuration.md, rendered from FIELD_DOCS so the documentation cannot
 * drift from the validator (docs.test.ts compares them). Regenerate after changing fields.ts:
 *   npx tsx -e "import('./src/config/field-tables.ts').then(m => console.log(m.renderFieldTables()))"
 */
import { FIELD_DOCS, type FieldDoc } from './fields';
import { PROTOCOLS, type Protocol } from './types';

const SHORT: Record<Protocol, string> = { DLMS: 'DLMS', 'IEC 62056-21': 'IEC', Elgama: 'Elgama' };
const HEAD = '| field | default | allowed values | meaning |\n|---|---|---|---|';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function defaultText(d: FieldDoc): string {
  if (d.required) return '**required**';
  if (d.default === undefined) return '—';
  return `\`${JSON.stringify(d.default)}\``;
}

function allowedText(d: FieldDoc): string {
  if (d.allowed) return d.allowed.map((a) => `\`${a}\``).join(', ');
  switch (d.type) {
    case 'integer':
      return `${d.min}..${d.max}${d.hex ? ' (or hex text `"0x10"`)' : ''}`;
    case 'hex-bytes':
      return `hex, ${d.bytes} bytes`;
    case 'key':
      return 'PEM or hex';
    case 'obis':
      return d.attribute ? 'OBIS code, optional `:attribute`' : 'OBIS code';
    case 'formula':
      return '`"SN % m + o"` or `{"modulo": m, "offset": o}`';
    case 'host':
      return 'IPv4, IPv6 or host name';
    case 'password':
      return 'text (a number is read as its digits)';
    case 'iec-address':
    case 'iec-tag':
      return 'text, up to 32 characters, none of `/ ! ? ( )`';
    case 'job':
      return 'text (or a number)';
    default:
      return d.allowEmpty ? 'text (may be empty)' : 'non-empty text';
  }
}

function row(d: FieldDoc, def: string): string {
  const cond = d.condition ? ` *(${d.condition})*` : '';
  const secret = d.secret && !d.description.includes('Never shown') ? ' Secret: never shown in messages.' : '';
  return `| \`${d.name}\` | ${def} | ${cell(allowedText(d))} | ${cell(d.description + cond + secret)} |`;
}

/** Markdown: one table of fields every device/signal has, then one per protocol. */
export function renderFieldTables(): string {
  const out: string[] = [];
  for (const scope of ['device', 'signal'] as const) {
    // `type` exists for all three protocols but means different things, so it is listed per protocol.
    const common = FIELD_DOCS.DLMS[scope].filter(
      (d) => d.group !== 'protocol' && PROTOCOLS.every((p) => FIELD_DOCS[p][scope].some((x) => x.name === d.name)),
    );
    const names = new Set(common.map((d) => d.name));
    out.push(`### Fields of every ${scope}`, '', HEAD);
    for (const d of common) {
      const per = PROTOCOLS.map((p) => defaultText(FIELD_DOCS[p][scope].find((x) => x.name === d.name)!));
      const def = per.every((x) => x === per[0]) ? per[0] : PROTOCOLS.map((p, i) => `${SHORT[p]}: ${per[i]}`).join('<br>');
      out.push(row(d, def));
    }
    out.push('');
    for (const p of PROTOCOLS) {
      out.push(`### ${p} ${scope} fields`, '', HEAD);
      for (const d of FIELD_DOCS[p][scope]) if (!names.has(d.name)) out.push(row(d, defaultText(d)));
      out.push('');
    }
  }
  return out.join('\n');
}
