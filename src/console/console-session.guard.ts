/**
 * In front of every signed-in console route: the console must be open (ADMIN_TOKEN set), the
 * session cookie valid, and a POST must carry this session's form token from a same-origin
 * page. Refusals are thrown as ConsoleRefusal for the console's filter to render.
 */
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { type Request } from 'express';
import { AppConfig } from '../config/app-config';
import { ConsoleRefusal, crossSite, readCookie, SESSION_COOKIE } from './console-http';
import { type ConsoleSession, ConsoleSessions } from './console-session';

export type ConsoleRequest = Request & { consoleSession?: ConsoleSession };

@Injectable()
export class ConsoleSessionGuard implements CanActivate {
  private readonly origin: string;

  constructor(
    private readonly sessions: ConsoleSessions,
    config: AppConfig,
  ) {
    this.origin = new URL(config.publicUrl).origin;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<ConsoleRequest>();
    if (!this.sessions.open) throw new ConsoleRefusal('closed');
    const session = this.sessions.verify(readCookie(request, SESSION_COOKIE));
    if (!session) throw new ConsoleRefusal('login_required');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const body = request.body as Record<string, unknown> | undefined;
      if (!this.sessions.checkFormToken(session, body?.csrf) || crossSite(request, this.origin)) {
        throw new ConsoleRefusal('csrf');
      }
    }
    request.consoleSession = session;
    return true;
  }
}
