/**
 * Logging in to the console with the admin token, and the console's stylesheet. The login form
 * is protected like the connect page (a double-submit cookie and the browser's Sec-Fetch-Site)
 * and rate limited per client address; a success sets an opaque session cookie.
 */
import { Body, Controller, Get, Header, Post, Req, Res, UseFilters } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { randomBytes } from 'node:crypto';
import { IpRateLimiter } from '../common/http/ip-rate-limiter';
import { AppConfig } from '../config/app-config';
import { ConsoleFilter } from './console.filter';
import {
  clearCookie,
  ConsoleRefusal,
  crossSite,
  LOGIN_CSRF_COOKIE,
  readCookie,
  redirect,
  sendPage,
  SESSION_COOKIE,
  setCookie,
} from './console-http';
import { ConsoleSessions, SESSION_TTL_MS, sameSecret } from './console-session';
import { CONSOLE_CSS, renderLogin, renderMessage } from './console.templates';

/** Login attempts per minute and client address: the token is long, but guessing stays slow. */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10;

@Controller('console')
@UseFilters(ConsoleFilter)
export class ConsoleLoginController {
  private readonly secureCookies: boolean;
  private readonly origin: string;
  private readonly limiter = new IpRateLimiter(LOGIN_ATTEMPTS_PER_MINUTE);

  constructor(
    private readonly sessions: ConsoleSessions,
    config: AppConfig,
  ) {
    this.secureCookies = config.publicUrl.startsWith('https://');
    this.origin = new URL(config.publicUrl).origin;
  }

  @Get('assets/console.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  stylesheet(): string {
    return CONSOLE_CSS;
  }

  @Get('login')
  show(@Req() request: Request, @Res() response: Response): void {
    if (!this.sessions.open) throw new ConsoleRefusal('closed');
    if (this.sessions.verify(readCookie(request, SESSION_COOKIE))) {
      return redirect(response, '/console/applications');
    }
    sendPage(response, 200, renderLogin({ csrf: this.newFormToken(response) }));
  }

  @Post('login')
  login(
    @Body() body: Record<string, unknown> | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): void {
    if (!this.sessions.open) throw new ConsoleRefusal('closed');
    const form = body ?? {};
    const csrf = typeof form.csrf === 'string' ? form.csrf : undefined;
    if (
      !sameSecret(csrf, readCookie(request, LOGIN_CSRF_COOKIE)) ||
      crossSite(request, this.origin)
    ) {
      throw new ConsoleRefusal('csrf');
    }
    const wait = this.limiter.hit(request.ip ?? request.socket.remoteAddress ?? 'unknown');
    if (wait > 0) {
      response.setHeader('Retry-After', String(wait));
      return sendPage(
        response,
        429,
        renderMessage('Too many attempts', `Please wait ${wait} seconds and try again.`),
      );
    }
    const token = typeof form.admin_token === 'string' ? form.admin_token : '';
    if (!this.sessions.checkAdminToken(token)) {
      return sendPage(
        response,
        401,
        renderLogin({ csrf: csrf as string, error: 'That is not the admin token.' }),
      );
    }
    clearCookie(response, LOGIN_CSRF_COOKIE, this.secureCookies);
    setCookie(response, SESSION_COOKIE, this.sessions.issue(), {
      secure: this.secureCookies,
      maxAgeMs: SESSION_TTL_MS,
    });
    redirect(response, '/console/applications');
  }

  private newFormToken(response: Response): string {
    const token = randomBytes(32).toString('base64url');
    setCookie(response, LOGIN_CSRF_COOKIE, token, {
      secure: this.secureCookies,
      maxAgeMs: 3_600_000,
    });
    return token;
  }
}
