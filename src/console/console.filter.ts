/**
 * Console routes answer in HTML, not problem+json: refusals become pages (or the login
 * redirect), a service's ProblemException on a page becomes that page's "not found"/"conflict"
 * page, and anything unexpected a generic page with an id under which the cause is logged.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { ProblemException } from '../common/errors/problem';
import { ConsoleRefusal, redirect, sendPage } from './console-http';
import { renderMessage } from './console.templates';

@Catch()
export class ConsoleFilter implements ExceptionFilter {
  private readonly logger = new Logger('Console');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    if (exception instanceof ConsoleRefusal) {
      switch (exception.kind) {
        case 'closed':
          return sendPage(
            response,
            403,
            renderMessage(
              'The console is closed',
              'The operator console is closed: the gateway has no ADMIN_TOKEN set. Set ADMIN_TOKEN and restart to open it.',
            ),
          );
        case 'login_required':
          if (request.method === 'GET') return redirect(response, '/console/login');
          return sendPage(
            response,
            401,
            renderMessage('Please log in', 'Your session has ended. Log in again and retry.'),
          );
        case 'csrf':
          return sendPage(
            response,
            403,
            renderMessage(
              'This form has expired',
              'The form was not sent from this console page. Go back, reload the page and try again.',
            ),
          );
        case 'not_found':
          return sendPage(response, 404, renderMessage('Not found', exception.message));
        case 'bad_request':
          return sendPage(response, 400, renderMessage('Bad request', exception.message));
      }
    }
    if (exception instanceof ProblemException && exception.code === 'not_found') {
      return sendPage(response, 404, renderMessage('Not found', exception.detail));
    }
    const errorId = randomUUID();
    this.logger.error(
      { err: exception, error_id: errorId, path: request.path },
      'console request failed unexpectedly',
    );
    sendPage(
      response,
      500,
      renderMessage('Something went wrong', `Internal error. Error id: ${errorId}`),
    );
  }
}
