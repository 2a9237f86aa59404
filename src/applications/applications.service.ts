/**
 * Rules for applications: credentials are generated here, the secret leaves only once (in the
 * create answer), and only its hash is stored.
 */
import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { type components } from '../../openapi/generated/hris-gateway';
import { ProblemException } from '../common/errors/problem';
import { decodeCursor, encodeCursor } from '../common/pagination/cursor';
import { type ApplicationEntity } from './application.entity';
import { ApplicationsRepository } from './applications.repository';
import { type CreateApplicationDto } from './dto/create-application.dto';

type Application = components['schemas']['Application'];
type ApplicationWithSecret = components['schemas']['ApplicationWithSecret'];
type ApplicationPage = components['schemas']['ApplicationPage'];

/** High-entropy secrets need no slow hash: SHA-256 cannot be brute-forced from 256 random bits. */
export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function toApplication(row: ApplicationEntity): Application {
  return {
    id: row.id,
    name: row.name,
    client_id: row.clientId,
    scopes: row.scopes as Application['scopes'],
    status: row.disabledAt ? 'disabled' : 'active',
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

@Injectable()
export class ApplicationsService {
  constructor(private readonly applications: ApplicationsRepository) {}

  async create(input: CreateApplicationDto): Promise<ApplicationWithSecret> {
    const clientSecret = `cs_${randomBytes(32).toString('base64url')}`;
    const row = await this.applications.insert({
      name: input.name.trim(),
      clientId: `app_${randomBytes(12).toString('base64url')}`,
      clientSecretHash: hashClientSecret(clientSecret),
      scopes: [...input.scopes].sort(),
    });
    return { ...toApplication(row), client_secret: clientSecret };
  }

  async get(id: string): Promise<Application> {
    const row = await this.applications.findById(id);
    if (!row) throw new ProblemException('not_found', `No application ${id}.`);
    return toApplication(row);
  }

  async list(limit: number, cursor?: string): Promise<ApplicationPage> {
    const after = cursor
      ? decodeCursor(cursor, (k) => ({ createdAt: new Date(k.t), id: k.id }))
      : undefined;
    const rows = await this.applications.list(limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: page.map(toApplication),
      next_cursor:
        rows.length > limit && last
          ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id })
          : null,
    };
  }
}
