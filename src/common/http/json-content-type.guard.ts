/**
 * The JSON API takes JSON bodies only. Without this, a body sent as text/plain or XML is not
 * parsed at all, the route sees an empty object, and a PATCH "succeeds" without changing
 * anything the client meant to change. The OAuth token endpoint (form or JSON, RFC 6749) and the
 * connect page (an HTML form) are not part of the JSON API.
 */
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { type Request } from 'express';
import { ProblemException } from '../errors/problem';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const NOT_JSON_API = ['/v1/oauth/token'];

@Injectable()
export class JsonContentTypeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (!WITH_BODY.has(request.method) || !request.path.startsWith('/v1/')) return true;
    if (NOT_JSON_API.includes(request.path)) return true;
    const hasBody =
      Number(request.headers['content-length'] ?? 0) > 0 ||
      request.headers['transfer-encoding'] !== undefined;
    if (hasBody && !request.is(['application/json', 'application/*+json'])) {
      throw new ProblemException(
        'unsupported_media_type',
        'Send the body as JSON (Content-Type: application/json).',
      );
    }
    return true;
  }
}
