/**
 * What every console answer and check shares: the cookies, the headers of a page, and the
 * browser's own word on where a form post comes from.
 */
import { type Request, type Response } from 'express';

export const SESSION_COOKIE = 'console_session';
/** Double-submit token of the login form (there is no session yet to bind it to). */
export const LOGIN_CSRF_COOKIE = 'console_login_csrf';
export const FLASH_COOKIE = 'console_flash';
export const COOKIE_PATH = '/console';

/** Like the connect page: nothing from anywhere but our own stylesheet, no scripts at all. */
export const CONSOLE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

export interface CookieSettings {
  secure: boolean;
  maxAgeMs?: number;
}

export function setCookie(
  response: Response,
  name: string,
  value: string,
  { secure, maxAgeMs }: CookieSettings,
): void {
  response.cookie(name, value, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: COOKIE_PATH,
    ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
  });
}

export function clearCookie(response: Response, name: string, secure: boolean): void {
  response.clearCookie(name, { httpOnly: true, sameSite: 'strict', secure, path: COOKIE_PATH });
}

/**
 * A second line behind the form token: `Sec-Fetch-Site` is exact; `Origin` is "null" under our
 * no-referrer policy, so only an explicit other origin counts against a request.
 */
export function crossSite(request: Request, ownOrigin: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin') return true;
  const origin = request.headers.origin;
  return origin !== undefined && origin !== 'null' && origin !== ownOrigin;
}

export function sendPage(response: Response, status: number, html: string): void {
  response
    .status(status)
    .setHeader('Content-Security-Policy', CONSOLE_CSP)
    .setHeader('Referrer-Policy', 'no-referrer')
    .setHeader('Cache-Control', 'no-store')
    .setHeader('X-Frame-Options', 'DENY')
    .type('text/html; charset=utf-8')
    .send(html);
}

/** Post-redirect-get: 303 makes the browser follow with a GET. */
export function redirect(response: Response, location: string): void {
  response.setHeader('Cache-Control', 'no-store').redirect(303, location);
}

/** Why the console refuses a request; the console's filter renders it as a page. */
export class ConsoleRefusal extends Error {
  constructor(
    readonly kind: 'closed' | 'login_required' | 'csrf' | 'not_found' | 'bad_request',
    message: string = kind,
  ) {
    super(message);
    this.name = 'ConsoleRefusal';
  }
}
