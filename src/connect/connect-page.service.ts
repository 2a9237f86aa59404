/**
 * The customer admin's side of a connect link: opening it (which consumes nothing, since mail
 * scanners open links first), and submitting Personio credentials. Credentials are checked
 * against Personio through the connector before anything is stored; on success they are
 * sealed by the vault and the link is consumed atomically (one of many concurrent submits
 * wins). Secrets never leave this flow: not in errors, logs or pages.
 */
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectorError, type ConnectorSession } from '../../connectors/connector';
import { type ApplicationEntity } from '../applications/application.entity';
import { ApplicationsRepository } from '../applications/applications.repository';
import { ConnectionsRepository } from '../connections/connections.repository';
import { effectiveSettings } from '../connections/dto/connection-settings.dto';
import { EventsWriter } from '../events/events.writer';
import { Providers } from '../providers/providers.module';
import { nextSyncAfter } from '../connections/schedule';
import { SyncQueue } from '../sync/runs/sync-queue';
import { SyncScheduler } from '../sync/scheduler/sync-scheduler';
import { Clock } from '../common/time/clock';
import { sealingContext } from '../vault/sealed-columns';
import { Vault } from '../vault/vault';
import { hashLinkToken, looksLikeLinkToken } from './connect-link-token';
import { type ConnectSessionEntity } from './connect-session.entity';
import { ConnectSessionsRepository } from './connect-sessions.repository';

export const MAX_FAILED_ATTEMPTS = 10;
/** The confirmation counts employees up to this many pages, not the whole company. */
const COUNT_PAGES = 3;

export interface OpenLink {
  session: ConnectSessionEntity;
  application: ApplicationEntity;
}

export type SubmitOutcome =
  | { kind: 'connected'; employeesFound: number; countComplete: boolean; continueUrl?: string }
  | { kind: 'refused'; attemptsLeft: number }
  | { kind: 'missing_attributes'; messages: string[] }
  | { kind: 'unavailable' }
  | { kind: 'gone' };

@Injectable()
export class ConnectPageService {
  private readonly logger = new Logger('ConnectPage');

  constructor(
    private readonly sessions: ConnectSessionsRepository,
    private readonly applications: ApplicationsRepository,
    private readonly connections: ConnectionsRepository,
    private readonly events: EventsWriter,
    private readonly providers: Providers,
    private readonly queue: SyncQueue,
    private readonly scheduler: SyncScheduler,
    private readonly vault: Vault,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** The link's session and application, or undefined for every kind of unusable link alike. */
  async open(token: string): Promise<OpenLink | undefined> {
    if (!looksLikeLinkToken(token)) return undefined;
    const session = await this.sessions.findByTokenHash(hashLinkToken(token));
    if (!session || !isUsable(session)) return undefined;
    const application = await this.applications.findById(session.applicationId);
    if (!application || application.disabledAt) return undefined;
    return { session, application };
  }

  async submit(
    link: OpenLink,
    credentials: { clientId: string; clientSecret: string },
  ): Promise<SubmitOutcome> {
    const { session, application } = link;
    const connection = await this.connections.findOne(application.id, session.connectionId);
    if (!connection) return { kind: 'gone' };
    const settings = effectiveSettings(application.defaultSettings, connection.settings);
    const personio = this.providers.personioInteractive.session(credentials, {
      apiVersion: settings.personio_api_version,
    });

    // The try is counted before Personio is asked, and given back unless Personio refused it.
    const used = await this.sessions.reserveAttempt(session.id, MAX_FAILED_ATTEMPTS);
    if (used === undefined) return { kind: 'gone' };
    let found: { count: number; complete: boolean };
    try {
      const verified = await personio.verify();
      const missing = await personio.missingAttributes(application.requiredAttributes);
      if (missing.length > 0) {
        await this.sessions.refundAttempt(session.id);
        return { kind: 'missing_attributes', messages: missing.map((m) => m.message) };
      }
      found =
        verified.employeeCount === null
          ? await countEmployees(personio)
          : { count: verified.employeeCount, complete: true };
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      if (error.code === 'AUTH_INVALID') {
        return { kind: 'refused', attemptsLeft: Math.max(0, MAX_FAILED_ATTEMPTS - used) };
      }
      await this.sessions.refundAttempt(session.id);
      switch (error.code) {
        case 'PERMISSION_MISSING':
          return {
            kind: 'missing_attributes',
            messages: error.details.missing?.map((m) => m.message) ?? [
              `These credentials may not read ${error.details.scope ?? 'employee data'}: give them read access to Employees, Absences and Org units.`,
            ],
          };
        case 'RATE_LIMITED':
        case 'TEMPORARY':
        case 'BAD_RESPONSE':
        case 'NOT_FOUND':
          // The code and endpoint only: a connector error never carries a secret, but nothing
          // from this flow needs more to be diagnosed.
          this.logger.warn(
            { code: error.code, endpoint: error.details.endpoint },
            'Personio check failed on a connect link',
          );
          return { kind: 'unavailable' };
      }
    }
    await this.sessions.refundAttempt(session.id);

    // Lock order: connection, then session (as deleting a connection does), so the two never deadlock.
    const stored = await this.dataSource.transaction(async (manager) => {
      const row = await this.connections.lockOne(application.id, session.connectionId, manager);
      if (!row || row.status === 'disabled') return false;
      const locked = await this.sessions.lockByTokenHash(session.tokenHash, manager);
      if (!locked || !isUsable(locked) || !(await this.sessions.consume(locked.id, manager)))
        return false;
      await this.sessions.consumeOthers(row.id, locked.id, manager);
      await this.connections.update(
        application.id,
        row.id,
        {
          credentials: this.vault.seal(
            JSON.stringify({
              client_id: credentials.clientId,
              client_secret: credentials.clientSecret,
            }),
            sealingContext.connectionCredentials(row.id),
          ),
          status: 'connected',
          statusReason: null,
          connectedAt: this.clock.now(),
          consecutiveFailures: 0,
          nextSyncAt: nextSyncAfter(settings.schedule, this.clock.now()),
        },
        manager,
      );
      await this.events.append(manager, row, 'connection.connected', {
        id: row.id,
        customer_ref: row.customerRef,
        employees_found: found.count,
      });
      await this.queue.enqueue(manager, {
        applicationId: application.id,
        connectionId: row.id,
        trigger: 'connect',
      });
      return true;
    });
    if (!stored) return { kind: 'gone' };
    this.scheduler.nudge();
    return {
      kind: 'connected',
      employeesFound: found.count,
      countComplete: found.complete,
      continueUrl: session.redirectUrl ? continueUrl(session, connection.id) : undefined,
    };
  }
}

function isUsable(session: ConnectSessionEntity): boolean {
  return (
    session.consumedAt === null &&
    session.expiresAt.getTime() > Date.now() &&
    session.failedAttempts < MAX_FAILED_ATTEMPTS
  );
}

async function countEmployees(
  session: ConnectorSession,
): Promise<{ count: number; complete: boolean }> {
  let count = 0;
  let pages = 0;
  for await (const page of session.employees()) {
    count += page.length;
    if (++pages >= COUNT_PAGES) return { count, complete: false };
  }
  return { count, complete: true };
}

function continueUrl(session: ConnectSessionEntity, connectionId: string): string {
  const url = new URL(session.redirectUrl as string);
  url.searchParams.set('connection_id', connectionId);
  if (session.state) url.searchParams.set('state', session.state);
  return url.toString();
}

/** "email" -> "Email", "team_id" -> "Team", "custom:Budget" -> "Budget (custom attribute)". */
export function describeField(field: string): string {
  if (field.startsWith('custom:')) return `${field.slice('custom:'.length)} (custom attribute)`;
  const words = field.replace(/_id$/, '').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
