import { css } from 'lit'
import type { CSSResult } from 'lit'

/**
 * Buttons, inputs, badges and notices in the Lightning look, shared by every element. Reads only
 * the private properties that `tokens` defines.
 */
export const controls: CSSResult = css`
  button,
  .button {
    font: inherit;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: var(--_space-1);
    min-height: 2rem;
    padding: 0 var(--_space-4);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_brand);
    cursor: pointer;
    white-space: nowrap;
    text-decoration: none;
  }
  button:hover {
    background: var(--_surface-alt);
    /* The brand blue on the hover grey is under 4.5:1: darken it. */
    color: var(--_brand-dark);
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible,
  [tabindex]:focus-visible {
    outline: none;
    box-shadow: var(--_focus-ring);
    border-color: var(--_brand);
  }
  button:disabled,
  button[aria-disabled='true'] {
    color: #939393;
    background: var(--_surface);
    cursor: default;
  }
  button.brand {
    background: var(--_brand);
    border-color: var(--_brand);
    color: var(--_text-inverse);
  }
  button.brand:hover {
    background: var(--_brand-dark);
  }
  button.brand:disabled {
    background: #c9c9c9;
    border-color: #c9c9c9;
    color: var(--_text-inverse);
  }
  button.destructive {
    color: var(--_error);
  }
  button.link {
    border: none;
    background: none;
    padding: 0;
    min-height: 0;
    color: var(--_brand);
    text-decoration: underline;
    text-underline-offset: 2px;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0 var(--_space-3);
    min-height: 2rem;
    width: 100%;
  }
  textarea {
    padding: var(--_space-2) var(--_space-3);
    min-height: 6rem;
    resize: vertical;
  }
  input[type='checkbox'] {
    width: 1rem;
    min-height: 1rem;
    height: 1rem;
    margin: 0;
    accent-color: var(--_brand);
  }
  input[readonly],
  textarea[readonly],
  select:disabled,
  input:disabled {
    background: var(--_surface-alt);
    border-color: transparent;
  }
  .badge {
    display: inline-flex;
    align-items: center;
    gap: var(--_space-1);
    padding: 0.125rem var(--_space-2);
    border-radius: 15rem;
    font-size: var(--_font-size-small);
    background: var(--_surface-alt);
    color: var(--_text);
    white-space: nowrap;
  }
  .badge.success {
    background: var(--_success-light);
    color: #194e31;
  }
  .badge.warning {
    background: var(--_warning-light);
    color: var(--_warning);
  }
  .badge.error {
    background: var(--_error);
    color: var(--_text-inverse);
  }
  .badge.brand {
    background: var(--_brand-light);
    color: var(--_brand-dark);
  }
  .notice {
    padding: var(--_space-2) var(--_space-3);
    border-radius: var(--_radius);
    background: var(--_surface-alt);
  }
  .notice.error {
    background: var(--_error-light);
    color: var(--_error);
  }
  .notice.warning {
    background: var(--_warning-light);
    color: var(--_warning);
  }
  .notice.info {
    background: var(--_brand-light);
    color: var(--_brand-dark);
  }
  abbr.required {
    color: var(--_error);
    text-decoration: none;
    border: none;
  }
  .weak {
    color: var(--_text-weak);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  h2,
  h3 {
    margin: 0;
    font-weight: 700;
  }
  h2 {
    font-size: var(--_font-size-heading);
  }
  h3 {
    font-size: var(--_font-size);
  }
  /* Phones (below ~700 px): every control a finger can hit, at least 44 px high. */
  @media (max-width: 44rem) {
    button,
    .button,
    button.link,
    input,
    select {
      min-height: 2.75rem;
    }
    input[type='checkbox'] {
      width: 1.5rem;
      height: 1.5rem;
      min-height: 1.5rem;
    }
  }
`
