import { css } from 'lit';

/**
 * Styles every page shares. Colours come from the custom properties set on :root in index.html, so
 * the theme switch (light/dark) reaches into each shadow root without re-rendering anything.
 */
export const pageStyles = css`
  :host {
    display: block;
    color: var(--ms-text);
  }
  h1 {
    font-size: 1.5rem;
    margin: 0 0 0.5rem;
  }
  h2 {
    font-size: 1.15rem;
    margin: 1.5rem 0 0.5rem;
  }
  p {
    line-height: 1.5;
    max-width: 70ch;
  }
  .muted {
    color: var(--ms-muted);
  }
  .card {
    background: var(--ms-surface);
    border: 1px solid var(--ms-border);
    border-radius: 0.75rem;
    padding: 1rem;
    margin: 0 0 1rem;
    min-width: 0;
  }
  .card > h2:first-child {
    margin-top: 0;
  }
  label {
    display: block;
    font-weight: 600;
    margin: 0.75rem 0 0.25rem;
  }
  input:not([type='radio']):not([type='checkbox']):not([type='file']),
  select,
  textarea {
    box-sizing: border-box;
    width: 100%;
    max-width: 40rem;
    min-height: 44px;
    padding: 0.5rem 0.75rem;
    font: inherit;
    color: var(--ms-text);
    background: var(--ms-input-bg);
    border: 1px solid var(--ms-border-strong);
    border-radius: 0.5rem;
  }
  input[type='file'] {
    max-width: 100%;
    min-height: 44px;
    font: inherit;
  }
  textarea {
    font-family: var(--ms-mono);
    font-size: 0.875rem;
    resize: vertical;
  }
  button,
  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4rem;
    min-height: 44px;
    min-width: 44px;
    padding: 0.5rem 1rem;
    font: inherit;
    font-weight: 600;
    color: var(--ms-text);
    background: var(--ms-surface);
    border: 1px solid var(--ms-border-strong);
    border-radius: 0.5rem;
    cursor: pointer;
    text-decoration: none;
  }
  button.primary {
    color: var(--ms-on-primary);
    background: var(--ms-primary);
    border-color: var(--ms-primary);
  }
  button.danger {
    color: var(--ms-error);
    border-color: var(--ms-error);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 3px solid var(--ms-focus);
    outline-offset: 2px;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-top: 0.75rem;
  }
  .errors {
    border: 2px solid var(--ms-error);
    border-radius: 0.75rem;
    padding: 0.75rem 1rem;
    margin: 1rem 0;
    background: var(--ms-error-bg);
  }
  .errors p {
    margin: 0 0 0.5rem;
    font-weight: 600;
    color: var(--ms-error);
  }
  .errors ul {
    margin: 0;
    padding-left: 1.25rem;
  }
  .errors li {
    margin: 0.25rem 0;
    overflow-wrap: anywhere;
  }
  .ok {
    color: var(--ms-success);
    font-weight: 600;
  }
  code,
  pre {
    font-family: var(--ms-mono);
    font-size: 0.875rem;
    overflow-wrap: anywhere;
  }
  .table-wrap {
    overflow-x: auto;
    max-width: 100%;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 0.5rem;
    border-bottom: 1px solid var(--ms-border);
    vertical-align: top;
  }
  th {
    font-weight: 600;
    color: var(--ms-muted);
  }
  a {
    color: var(--ms-link);
  }
  /* Narrow screens: each table row becomes a small card, cells labelled from data-label. */
  @media (max-width: 600px) {
    table.stack thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
    table.stack tr {
      display: block;
      padding: 0.5rem 0;
      border-bottom: 1px solid var(--ms-border);
    }
    table.stack td {
      display: grid;
      grid-template-columns: 6.5rem minmax(0, 1fr);
      gap: 0.5rem;
      padding: 0.15rem 0;
      border: 0;
      overflow-wrap: anywhere;
    }
    table.stack td::before {
      content: attr(data-label);
      font-weight: 600;
      color: var(--ms-muted);
    }
  }
  .pill {
    display: inline-block;
    padding: 0.1rem 0.6rem;
    border-radius: 999px;
    border: 1px solid var(--ms-border-strong);
    font-size: 0.85rem;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

/**
 * Disclosures (details/summary) laid out as flex rows lose the browser's triangle: this draws a
 * chevron that turns when open, so every disclosure shows that it opens. The summary's native
 * semantics carry the expanded state to screen readers.
 */
export const disclosureStyles = css`
  details > summary {
    list-style: none;
  }
  details > summary::-webkit-details-marker {
    display: none;
  }
  details > summary::before {
    content: '';
    flex: none;
    display: inline-block;
    width: 0.45rem;
    height: 0.45rem;
    margin: 0 0.4rem 0 0.15rem;
    border-right: 2px solid currentColor;
    border-bottom: 2px solid currentColor;
    transform: rotate(-45deg);
    transition: transform 0.15s;
  }
  details[open] > summary::before {
    transform: rotate(45deg);
  }
  @media (prefers-reduced-motion: reduce) {
    details > summary::before {
      transition: none;
    }
  }
`;
