import { css } from 'lit';

/** Styles of the configuration editor (on top of pageStyles). */
export const editorStyles = css`
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.5rem 0.75rem;
  }
  .toolbar > div {
    flex: 1 1 12rem;
    min-width: 0;
  }
  .toolbar label {
    margin-top: 0;
  }
  .summary {
    margin: 0.75rem 0;
    font-weight: 600;
  }
  .summary.bad {
    color: var(--ms-error);
  }
  .devices,
  .signals {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .device {
    border: 1px solid var(--ms-border);
    border-radius: 0.75rem;
    margin: 0 0 0.75rem;
    min-width: 0;
  }
  .device.has-errors {
    border-color: var(--ms-error);
  }
  .device-head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem 1rem;
    padding: 0.5rem 0.75rem;
  }
  .device-title {
    min-width: 0;
    overflow-wrap: anywhere;
  }
  .device-title strong {
    display: block;
  }
  .device-head .actions {
    margin: 0;
  }
  /* Delete sits apart from Duplicate and the other buttons. */
  .actions > button.danger {
    margin-inline-start: 1.5rem;
  }
  .switch {
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    min-height: 44px;
    margin: 0;
    font-weight: 600;
    cursor: pointer;
  }
  .switch input {
    width: 1.25rem;
    height: 1.25rem;
    margin: 0;
  }
  .badge {
    display: inline-block;
    padding: 0.05rem 0.5rem;
    border-radius: 999px;
    font-size: 0.85rem;
    font-weight: 600;
    border: 1px solid var(--ms-border-strong);
  }
  .badge.err {
    color: var(--ms-error);
    border-color: var(--ms-error);
  }
  .badge.ok {
    color: var(--ms-success);
    border-color: var(--ms-success);
  }
  .form {
    border-top: 1px solid var(--ms-border);
    padding: 0.5rem 0.75rem 0.75rem;
  }
  fieldset {
    border: 1px solid var(--ms-border);
    border-radius: 0.5rem;
    margin: 0.75rem 0 0;
    padding: 0.25rem 0.75rem 0.75rem;
    min-width: 0;
  }
  details.group {
    border: 1px solid var(--ms-border);
    border-radius: 0.5rem;
    margin: 0.75rem 0 0;
  }
  details.group > summary {
    font-weight: 700;
  }
  details.group > fieldset {
    border: 0;
    margin: 0;
    padding: 0 0.75rem 0.75rem;
  }
  legend {
    font-weight: 700;
    padding: 0 0.25rem;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 16rem), 1fr));
    gap: 0 1rem;
  }
  .field {
    min-width: 0;
  }
  .field label {
    display: inline-block;
    font-family: var(--ms-mono);
    font-size: 0.9rem;
  }
  .req {
    margin-left: 0.4rem;
    font-size: 0.75rem;
    font-weight: 600;
    color: var(--ms-muted);
    text-transform: uppercase;
  }
  .field.invalid input,
  .field.invalid select {
    border: 2px solid var(--ms-error);
  }
  .field-error {
    margin: 0.25rem 0 0;
    color: var(--ms-error);
    font-weight: 600;
    font-size: 0.9rem;
    overflow-wrap: anywhere;
  }
  .help {
    margin: 0.2rem 0 0;
    font-size: 0.8rem;
    color: var(--ms-muted);
    overflow-wrap: anywhere;
  }
  .inline {
    display: flex;
    gap: 0.5rem;
  }
  .inline input {
    flex: 1 1 auto;
    min-width: 0;
  }
  .item-errors {
    margin: 0.5rem 0;
    padding-left: 1.25rem;
    color: var(--ms-error);
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .signals > li {
    border: 1px solid var(--ms-border);
    border-radius: 0.5rem;
    margin: 0.5rem 0;
  }
  .signals > li.pending {
    min-height: 44px;
    padding: 0.6rem 0.75rem;
  }
  .signals > li.has-errors {
    border-color: var(--ms-error);
  }
  details > summary {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem 0.75rem;
    min-height: 44px;
    padding: 0.25rem 0.75rem;
    cursor: pointer;
    overflow-wrap: anywhere;
  }
  details > .body {
    padding: 0 0.75rem 0.75rem;
  }
  h3 {
    font-size: 1.05rem;
    margin: 1rem 0 0.25rem;
  }
  .read-box {
    margin-top: 1rem;
    padding-top: 0.5rem;
    border-top: 1px solid var(--ms-border);
  }
  .state {
    font-size: 0.85rem;
  }
  .bad-q {
    color: var(--ms-error);
    font-weight: 600;
  }
  .pager {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem 0.5rem;
    margin: 0.5rem 0;
  }
  .pager label {
    margin: 0;
  }
  .pager .page-number {
    width: 6rem;
  }
  .pager .range {
    flex: 1 1 10rem;
  }
`;
