/**
 * The result card's styles, apart from its template: the Read page's first screen needs them, its
 * template (with Export and its encoders) loads after that screen painted (read-lower.ts).
 */
import { css } from 'lit';

export const summaryStyles = css`
  .result:focus {
    outline: 3px solid var(--ms-focus);
    outline-offset: 2px;
  }
  .result h2 {
    margin: 0 0 0.25rem;
  }
  .outcome {
    margin: 0;
    font-weight: 600;
  }
  ul.key-values {
    list-style: none;
    margin: 0.5rem 0 0;
    padding: 0;
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 15rem), 1fr));
    gap: 0.25rem 1rem;
  }
  /* Two lines of name per row, whatever the value: a long value read at the end wraps the name
     without growing the card (layout shift on a phone). */
  ul.key-values li {
    box-sizing: border-box;
    min-height: calc(2 * 1.35em + 0.7rem + 1px);
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    gap: 0.75rem;
    padding: 0.35rem 0;
    border-bottom: 1px solid var(--ms-border);
    min-width: 0;
  }
  .kv-name {
    min-width: 0;
    overflow-wrap: anywhere;
    line-height: 1.35;
  }
  .kv-value {
    font-weight: 700;
    white-space: nowrap;
    font-variant-numeric: tabular-nums;
  }
  .kv-value.pending {
    color: var(--ms-muted);
  }
  .kv-value.bad {
    color: var(--ms-error);
  }
`;
