/**
 * OAuth 2.0 token endpoint errors (RFC 6749 section 5.2). OAuth clients expect this shape from
 * a token endpoint, so it answers `{error, error_description}` rather than problem+json.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { type Response } from 'express';

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  get status(): number {
    return this.error === 'invalid_client' ? 401 : 400;
  }
}

@Catch(OAuthError)
export class OAuthErrorFilter implements ExceptionFilter {
  catch(exception: OAuthError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception.error === 'invalid_client') {
      response.setHeader('WWW-Authenticate', 'Basic realm="hris-gateway", charset="UTF-8"');
    }
    response
      .status(exception.status)
      .setHeader('Cache-Control', 'no-store')
      .json({ error: exception.error, error_description: exception.description });
  }
}
