/**
 * HTML built from tagged templates that escape every interpolated value unless it is already
 * HTML made here. Customer-supplied names reach these pages, so escaping is the default and
 * forgetting it is impossible, rather than a call each template must remember.
 */

import { escapeHtml } from '../common/html/escape-html';

/** Markup produced by `html` (or `trustedHtml`): interpolated as is. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (value instanceof Date) return escapeHtml(value.toISOString());
  // Objects are a template's mistake: show that, never "[object Object]" or their contents.
  throw new TypeError(`html: cannot interpolate a ${typeof value}`);
}

/** `html\`<td>${name}</td>\``: strings and numbers escaped, SafeHtml and arrays of it kept. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** For markup written in this code base only (constant CSS, numbers formatted here). */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
