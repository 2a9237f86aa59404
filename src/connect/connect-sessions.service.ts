/**
 * Creates connect links for an application: a pending connection (or an existing one whose
 * credentials the admin re-enters) and a single-use token whose hash alone is stored.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApplicationsRepository } from '../applications/applications.repository';
import { type AuthContext } from '../auth/access-token.guard';
import { ProblemException } from '../common/errors/problem';
import { AppConfig } from '../config/app-config';
import { ConnectionsRepository } from '../connections/connections.repository';
import { connectionNotFound } from '../connections/connections.service';
import { settingsToJson } from '../connections/dto/connection-settings.dto';
import { newLinkToken } from './connect-link-token';
import { ConnectSessionsRepository } from './connect-sessions.repository';
import {
  type CreateConnectSessionDto,
  DEFAULT_LINK_LIFETIME_SECONDS,
} from './dto/create-connect-session.dto';

export interface CreatedConnectSession {
  id: string;
  url: string;
  expires_at: string;
  connection_id: string;
}

@Injectable()
export class ConnectSessionsService {
  constructor(
    private readonly sessions: ConnectSessionsRepository,
    private readonly connections: ConnectionsRepository,
    private readonly applications: ApplicationsRepository,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async create(auth: AuthContext, input: CreateConnectSessionDto): Promise<CreatedConnectSession> {
    if (!input.connection_id && !input.customer_ref) {
      throw new ProblemException(
        'validation_failed',
        'Name the customer (customer_ref) or the connection (connection_id).',
        {
          errors: [
            {
              in: 'body',
              field: 'customer_ref',
              message: 'customer_ref or connection_id is required',
            },
          ],
        },
      );
    }
    if (auth.connectionId && input.connection_id !== auth.connectionId) {
      throw new ProblemException(
        'forbidden',
        'A token bound to a connection can only create links for that connection.',
      );
    }
    const application = await this.applications.findById(auth.applicationId);
    if (!application) throw connectionNotFound();
    if (input.redirect_url && !application.redirectUrls.includes(input.redirect_url)) {
      throw new ProblemException(
        'validation_failed',
        'redirect_url is not registered on this application.',
        {
          errors: [
            {
              in: 'body',
              field: 'redirect_url',
              message: 'redirect_url must be one of the application redirect URLs',
            },
          ],
        },
      );
    }

    const { token, hash } = newLinkToken();
    const expiresAt = new Date(
      Date.now() + (input.expires_in ?? DEFAULT_LINK_LIFETIME_SECONDS) * 1000,
    );
    return this.dataSource.transaction(async (manager) => {
      // Two requests creating the same new customer at once: the partial unique index lets one
      // win; the other answers 409 and its retry finds the connection.
      let connection = input.connection_id
        ? await this.connections.findOne(auth.applicationId, input.connection_id, manager)
        : await this.connections.findByCustomerRef(
            auth.applicationId,
            input.customer_ref as string,
            manager,
          );
      if (input.connection_id && !connection) throw connectionNotFound();
      if (connection && input.customer_ref && connection.customerRef !== input.customer_ref) {
        throw new ProblemException(
          'conflict',
          'connection_id and customer_ref name different connections.',
        );
      }
      connection ??= await this.connections
        .insert(
          auth.applicationId,
          {
            customerRef: input.customer_ref as string,
            settings: input.settings ? settingsToJson(input.settings) : {},
          },
          manager,
        )
        .catch((error: unknown) => {
          if ((error as { code?: string }).code === '23505') {
            throw new ProblemException(
              'conflict',
              'A connection for this customer_ref was created at the same moment: retry.',
            );
          }
          throw error;
        });
      const session = await this.sessions.insert(
        auth.applicationId,
        {
          connectionId: connection.id,
          tokenHash: hash,
          redirectUrl: input.redirect_url ?? null,
          state: input.state ?? null,
          expiresAt,
        },
        manager,
      );
      return {
        id: session.id,
        url: `${this.config.publicUrl}/connect/${token}`,
        expires_at: expiresAt.toISOString(),
        connection_id: connection.id,
      };
    });
  }
}
