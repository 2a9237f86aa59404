/**
 * Guards the operator's admin API with the ADMIN_TOKEN bearer token. Both sides are hashed
 * before the constant-time comparison so neither timing nor length says anything about it.
 * Without ADMIN_TOKEN configured the admin API is closed, never open.
 */
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { type Request } from 'express';
import { AppConfig } from '../config/app-config';
import { ProblemException } from '../common/errors/problem';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(config: AppConfig) {
    this.expected = config.adminToken ? digest(config.adminToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const presented = /^Bearer (\S+)$/i.exec(header)?.[1];
    if (!this.expected) {
      throw new ProblemException(
        'unauthorized',
        'The admin API is disabled: the operator has not set ADMIN_TOKEN.',
        {
          headers: { 'WWW-Authenticate': 'Bearer realm="admin"' },
        },
      );
    }
    if (!presented || !timingSafeEqual(digest(presented), this.expected)) {
      throw new ProblemException(
        'unauthorized',
        'A valid admin token is required (Authorization: Bearer <ADMIN_TOKEN>).',
        {
          headers: { 'WWW-Authenticate': 'Bearer realm="admin"' },
        },
      );
    }
    return true;
  }
}
