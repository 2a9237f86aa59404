/**
 * HTTP for the operator console: pages that read, and buttons that POST and redirect back
 * (post-redirect-get), so it works without JavaScript. The session guard stands in front of
 * all of it; the login lives in ConsoleLoginController.
 */
import { Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { type Response } from 'express';
import { AppConfig } from '../config/app-config';
import { ProblemException } from '../common/errors/problem';
import { ConsoleFilter } from './console.filter';
import {
  clearCookie,
  ConsoleRefusal,
  FLASH_COOKIE,
  readCookie,
  redirect,
  sendPage,
  setCookie,
  SESSION_COOKIE,
} from './console-http';
import { ConsoleRepository, decodeConnectionsCursor } from './console.repository';
import { ConsoleService } from './console.service';
import { type ConsoleRequest, ConsoleSessionGuard } from './console-session.guard';
import { ConsoleSessions } from './console-session';
import {
  type Chrome,
  type Flash,
  renderApplications,
  renderConnection,
  renderConnections,
  renderRun,
  renderWebhooks,
} from './console.templates';

/** The longest customer reference the API accepts (create-connect-session.dto.ts). */
const MAX_SEARCH_LENGTH = 200;

/** A query parameter given once as text (repeated or nested ones count as absent). */
function queryText(request: ConsoleRequest, name: string): string | undefined {
  const value = request.query[name];
  return typeof value === 'string' ? value : undefined;
}

@Controller('console')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsoleFilter)
export class ConsoleController {
  private readonly secureCookies: boolean;

  constructor(
    private readonly sessions: ConsoleSessions,
    private readonly read: ConsoleRepository,
    private readonly actions: ConsoleService,
    config: AppConfig,
  ) {
    this.secureCookies = config.publicUrl.startsWith('https://');
  }

  @Get()
  home(@Res() response: Response): void {
    redirect(response, '/console/applications');
  }

  @Get('applications')
  async applications(@Req() request: ConsoleRequest, @Res() response: Response): Promise<void> {
    const rows = await this.read.applications();
    sendPage(response, 200, renderApplications(this.chrome(request, response), rows));
  }

  @Get('connections')
  async connections(@Req() request: ConsoleRequest, @Res() response: Response): Promise<void> {
    const filter = queryText(request, 'application_id');
    const application = filter !== undefined ? await this.read.application(filter) : null;
    if (filter !== undefined && !application) {
      throw new ConsoleRefusal('not_found', 'No such application.');
    }
    const customerRef = queryText(request, 'customer_ref')?.trim() || undefined;
    if (customerRef !== undefined && customerRef.length > MAX_SEARCH_LENGTH) {
      throw new ConsoleRefusal(
        'bad_request',
        `Search for at most ${MAX_SEARCH_LENGTH} characters of a customer reference.`,
      );
    }
    const afterText = queryText(request, 'after');
    const after = afterText !== undefined ? decodeConnectionsCursor(afterText) : undefined;
    if (after === null) {
      throw new ConsoleRefusal(
        'bad_request',
        'This page link is broken: start from the first page.',
      );
    }
    const page = await this.read.connections({
      applicationId: application?.id,
      customerRef,
      after,
    });
    sendPage(
      response,
      200,
      renderConnections(this.chrome(request, response), page, {
        application,
        customerRef,
        paged: after !== undefined,
      }),
    );
  }

  @Get('connections/:id')
  async connection(
    @Param('id') id: string,
    @Req() request: ConsoleRequest,
    @Res() response: Response,
  ): Promise<void> {
    const connection = await this.read.connection(id);
    if (!connection) throw new ConsoleRefusal('not_found', 'No such connection.');
    const runs = await this.read.recentRuns(connection.id);
    sendPage(response, 200, renderConnection(this.chrome(request, response), connection, runs));
  }

  @Get('runs/:id')
  async run(
    @Param('id') id: string,
    @Req() request: ConsoleRequest,
    @Res() response: Response,
  ): Promise<void> {
    const run = await this.read.run(id);
    if (!run) throw new ConsoleRefusal('not_found', 'No such sync run.');
    sendPage(response, 200, renderRun(this.chrome(request, response), run));
  }

  @Get('webhooks')
  async webhooks(@Req() request: ConsoleRequest, @Res() response: Response): Promise<void> {
    const endpoints = await this.read.failingEndpoints();
    sendPage(response, 200, renderWebhooks(this.chrome(request, response), endpoints));
  }

  @Post('connections/:id/sync')
  sync(@Param('id') id: string, @Res() response: Response): Promise<void> {
    return this.act(response, `/console/connections/${encodeURIComponent(id)}`, async () => {
      const { runId, created } = await this.actions.triggerSync(id);
      return {
        text: created ? 'Sync queued.' : 'A sync was already queued or running: showing it.',
        location: `/console/runs/${runId}`,
      };
    });
  }

  @Post('connections/:id/pause')
  pause(@Param('id') id: string, @Res() response: Response): Promise<void> {
    return this.act(response, `/console/connections/${encodeURIComponent(id)}`, async () => {
      await this.actions.setPaused(id, true);
      return { text: 'Connection paused: no scheduled syncs until it is resumed.' };
    });
  }

  @Post('connections/:id/resume')
  resume(@Param('id') id: string, @Res() response: Response): Promise<void> {
    return this.act(response, `/console/connections/${encodeURIComponent(id)}`, async () => {
      await this.actions.setPaused(id, false);
      return { text: 'Connection resumed: it syncs again shortly.' };
    });
  }

  @Post('runs/:id/confirm')
  confirm(@Param('id') id: string, @Res() response: Response): Promise<void> {
    return this.act(response, `/console/runs/${encodeURIComponent(id)}`, async () => {
      const followUp = await this.actions.confirmRun(id);
      return {
        text: 'Deletions confirmed: this run applies them.',
        location: `/console/runs/${followUp}`,
      };
    });
  }

  @Post('webhooks/:endpointId/deliveries/:deliveryId/retry')
  retry(
    @Param('endpointId') endpointId: string,
    @Param('deliveryId') deliveryId: string,
    @Res() response: Response,
  ): Promise<void> {
    return this.act(response, '/console/webhooks', async () => {
      await this.actions.retryDelivery(endpointId, deliveryId);
      return { text: 'Delivery queued to be sent again now.' };
    });
  }

  @Post('logout')
  logout(@Req() request: ConsoleRequest, @Res() response: Response): void {
    if (request.consoleSession) this.sessions.revoke(request.consoleSession);
    clearCookie(response, SESSION_COOKIE, this.secureCookies);
    redirect(response, '/console/login');
  }

  /**
   * Runs a button's work, then redirects with a message. An expected refusal from a service
   * (a conflict such as "already confirmed") is shown on the page it came from.
   */
  private async act(
    response: Response,
    back: string,
    work: () => Promise<{ text: string; location?: string }>,
  ): Promise<void> {
    try {
      const { text, location } = await work();
      this.flash(response, { kind: 'ok', text });
      redirect(response, location ?? back);
    } catch (error) {
      // A missing row is the filter's "not found" page; other refusals go back with the reason.
      if (!(error instanceof ProblemException) || error.code === 'not_found') throw error;
      this.flash(response, { kind: 'error', text: error.detail });
      redirect(response, back);
    }
  }

  private flash(response: Response, flash: Flash): void {
    setCookie(response, FLASH_COOKIE, this.sessions.sign(JSON.stringify(flash)), {
      secure: this.secureCookies,
      maxAgeMs: 60_000,
    });
  }

  /** The form token of this session, and the message left by the last button (shown once). */
  private chrome(request: ConsoleRequest, response: Response): Chrome {
    const session = request.consoleSession;
    if (!session) throw new ConsoleRefusal('login_required');
    let flash: Flash | null = null;
    const raw = readCookie(request, FLASH_COOKIE);
    if (raw !== undefined) {
      clearCookie(response, FLASH_COOKIE, this.secureCookies);
      const value = this.sessions.unsign(raw);
      try {
        const parsed = value ? (JSON.parse(value) as Partial<Flash>) : null;
        if (parsed && (parsed.kind === 'ok' || parsed.kind === 'error')) {
          flash = { kind: parsed.kind, text: String(parsed.text ?? '') };
        }
      } catch {
        flash = null;
      }
    }
    return { csrf: this.sessions.formToken(session), flash };
  }
}
