/**
 * HTTP for the connect page: strict headers on every answer, a per-IP rate limit, CSRF by
 * double submit (a SameSite=Strict cookie that must equal the form's hidden field) plus an
 * Origin check, and the same neutral 410 page for every kind of unusable link.
 */
import { Body, Controller, Get, Header, Param, Post, Req, Res } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { IpRateLimiter } from '../common/http/ip-rate-limiter';
import { ConnectPageService, describeField, type OpenLink } from './connect-page.service';
import {
  CONNECT_CSS,
  renderForm,
  renderGone,
  renderMessage,
  renderSuccess,
} from './connect-page.templates';

const CSRF_COOKIE = 'connect_csrf';
const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function sameSecret(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

@Controller()
export class ConnectPageController {
  private readonly limiter: IpRateLimiter;
  private readonly secureCookies: boolean;
  private readonly origin: string;

  constructor(
    private readonly page: ConnectPageService,
    config: AppConfig,
  ) {
    this.limiter = new IpRateLimiter(config.connectRateLimitPerMinute);
    this.secureCookies = config.publicUrl.startsWith('https://');
    this.origin = new URL(config.publicUrl).origin;
  }

  @Get('assets/connect.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  stylesheet(): string {
    return CONNECT_CSS;
  }

  @Get('connect/:token')
  async show(
    @Param('token') token: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    if (this.limited(request, response)) return;
    const link = await this.page.open(token);
    if (!link) return this.send(response, 410, renderGone());
    const csrf = randomBytes(32).toString('base64url');
    response.cookie(CSRF_COOKIE, csrf, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.secureCookies,
      path: '/connect',
      maxAge: 3_600_000,
    });
    this.send(response, 200, renderForm({ ...this.formBase(link), csrf }));
  }

  @Post('connect/:token')
  async submit(
    @Param('token') token: string,
    @Body() body: Record<string, unknown> | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    if (this.limited(request, response)) return;
    const link = await this.page.open(token);
    if (!link) return this.send(response, 410, renderGone());

    const form = body ?? {};
    const csrf = typeof form.csrf === 'string' ? form.csrf : undefined;
    if (!sameSecret(csrf, readCookie(request, CSRF_COOKIE)) || this.crossSite(request)) {
      return this.send(
        response,
        403,
        renderMessage(
          'This form has expired',
          'Open the link from your email again to start over. The link still works.',
        ),
      );
    }
    const clientId = typeof form.client_id === 'string' ? form.client_id.trim() : '';
    const clientSecret = typeof form.client_secret === 'string' ? form.client_secret.trim() : '';
    const base = { ...this.formBase(link), csrf: csrf as string, clientId: clientId.slice(0, 500) };
    if (!clientId || !clientSecret || clientId.length > 500 || clientSecret.length > 500) {
      return this.send(
        response,
        400,
        renderForm({
          ...base,
          error: {
            title: 'Both fields are needed',
            lines: ['Enter the Client ID and the Client Secret from Personio.'],
          },
        }),
      );
    }

    const outcome = await this.page.submit(link, { clientId, clientSecret });
    switch (outcome.kind) {
      case 'connected':
        response.clearCookie(CSRF_COOKIE, { path: '/connect' });
        return this.send(
          response,
          200,
          renderSuccess({
            applicationName: link.application.name,
            logoText: this.logoText(link),
            employeesFound: outcome.employeesFound,
            employeesCountComplete: outcome.countComplete,
            continueUrl: outcome.continueUrl,
          }),
        );
      case 'refused':
        if (outcome.attemptsLeft === 0) return this.send(response, 410, renderGone());
        return this.send(
          response,
          400,
          renderForm({
            ...base,
            attemptsLeft: outcome.attemptsLeft,
            error: {
              title: 'Personio did not accept these credentials',
              lines: [
                'Check that you copied the whole Client ID and Client Secret, and that the credential is active in Personio.',
              ],
            },
          }),
        );
      case 'missing_attributes':
        return this.send(
          response,
          400,
          renderForm({
            ...base,
            error: {
              title: 'Some data is not readable with these credentials',
              lines: outcome.messages,
            },
          }),
        );
      case 'unavailable':
        return this.send(
          response,
          503,
          renderForm({
            ...base,
            error: {
              title: 'Personio could not be reached',
              lines: ['Nothing was saved. Please try again in a minute.'],
            },
          }),
        );
      case 'gone':
        return this.send(response, 410, renderGone());
    }
  }

  /**
   * A second line behind the double-submit cookie: browsers say where a form post comes from.
   * `Sec-Fetch-Site` is exact; `Origin` is "null" under our own no-referrer policy, so only an
   * explicit other origin counts against a request.
   */
  private crossSite(request: Request): boolean {
    const site = request.headers['sec-fetch-site'];
    if (typeof site === 'string' && site !== 'same-origin') return true;
    const origin = request.headers.origin;
    return origin !== undefined && origin !== 'null' && origin !== this.origin;
  }

  private formBase(link: OpenLink): {
    applicationName: string;
    logoText: string;
    requiredFields: string[];
  } {
    return {
      applicationName: link.application.name,
      logoText: this.logoText(link),
      requiredFields: link.application.requiredAttributes.map(describeField),
    };
  }

  private logoText(link: OpenLink): string {
    return link.application.logoText ?? link.application.name.slice(0, 2).toUpperCase();
  }

  private limited(request: Request, response: Response): boolean {
    const wait = this.limiter.hit(request.ip ?? request.socket.remoteAddress ?? 'unknown');
    if (wait === 0) return false;
    response.setHeader('Retry-After', String(wait));
    this.send(
      response,
      429,
      renderMessage('Too many requests', `Please wait ${wait} seconds and try again.`),
    );
    return true;
  }

  private send(response: Response, status: number, html: string): void {
    response
      .status(status)
      .setHeader('Content-Security-Policy', PAGE_CSP)
      .setHeader('Referrer-Policy', 'no-referrer')
      .setHeader('Cache-Control', 'no-store')
      .setHeader('X-Frame-Options', 'DENY')
      .type('text/html; charset=utf-8')
      .send(html);
  }
}
