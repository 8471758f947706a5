import { css } from 'lit'
import type { CSSResult } from 'lit'

/**
 * Salesforce Lightning Design System values as private custom properties (`--_…`) on `:host`.
 * Each reads a public `--briefcase-*` property first, so a page themes every element at once
 * (`--briefcase-color-brand`) and one element alone through its own `--briefcase-<name>-*`
 * properties, which the elements map onto these.
 */
export const tokens: CSSResult = css`
  :host {
    --_brand: var(--briefcase-color-brand, #0176d3);
    --_brand-dark: var(--briefcase-color-brand-dark, #014486);
    --_brand-light: var(--briefcase-color-brand-light, #eef4ff);
    --_text: var(--briefcase-color-text, #181818);
    --_text-weak: var(--briefcase-color-text-weak, #444444);
    --_text-inverse: var(--briefcase-color-text-inverse, #ffffff);
    --_surface: var(--briefcase-color-surface, #ffffff);
    --_surface-alt: var(--briefcase-color-surface-alt, #f3f3f3);
    --_border: var(--briefcase-color-border, #c9c9c9);
    --_success: var(--briefcase-color-success, #2e844a);
    --_success-light: var(--briefcase-color-success-light, #cdefc4);
    --_warning: var(--briefcase-color-warning, #8c4b02);
    --_warning-light: var(--briefcase-color-warning-light, #fedfd0);
    --_error: var(--briefcase-color-error, #ba0517);
    --_error-light: var(--briefcase-color-error-light, #fddde3);
    --_offline: var(--briefcase-color-offline, #5c5c5c);
    --_space-1: var(--briefcase-spacing-xx-small, 0.25rem);
    --_space-2: var(--briefcase-spacing-x-small, 0.5rem);
    --_space-3: var(--briefcase-spacing-small, 0.75rem);
    --_space-4: var(--briefcase-spacing-medium, 1rem);
    --_radius: var(--briefcase-border-radius, 0.25rem);
    --_font: var(
      --briefcase-font-family,
      'Salesforce Sans',
      -apple-system,
      BlinkMacSystemFont,
      'Segoe UI',
      Roboto,
      Helvetica,
      Arial,
      sans-serif
    );
    --_font-size: var(--briefcase-font-size, 0.8125rem);
    --_font-size-small: var(--briefcase-font-size-small, 0.75rem);
    --_font-size-heading: var(--briefcase-font-size-heading, 1rem);
    --_focus-ring: var(--briefcase-focus-ring, 0 0 3px #0176d3);

    font-family: var(--_font);
    font-size: var(--_font-size);
    line-height: 1.5;
    color: var(--_text);
    box-sizing: border-box;
  }

  :host([hidden]) {
    display: none;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
`
