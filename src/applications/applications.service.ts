/**
 * Rules for applications: credentials are generated here, the secret leaves only once (in the
 * create or rotate answer), and only its hash is stored. Anything that takes rights away
 * (rotation, disabling, fewer scopes) bumps the token version, revoking every token issued
 * before it.
 */
import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { type components } from '../../openapi/generated/hris-gateway';
import { ProblemException } from '../common/errors/problem';
import { keysetPage, positionAfter } from '../common/pagination/keyset-page';
import { settingsToJson } from '../connections/dto/connection-settings.dto';
import { type ApplicationEntity } from './application.entity';
import { type ApplicationChanges, ApplicationsRepository } from './applications.repository';
import { type CreateApplicationDto } from './dto/create-application.dto';
import { type UpdateApplicationDto } from './dto/update-application.dto';

type Application = components['schemas']['Application'];
type ApplicationWithSecret = components['schemas']['ApplicationWithSecret'];
type ApplicationPage = components['schemas']['ApplicationPage'];

/** High-entropy secrets need no slow hash: SHA-256 cannot be brute-forced from 256 random bits. */
export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

const newClientSecret = (): string => `cs_${randomBytes(32).toString('base64url')}`;

function toApplication(row: ApplicationEntity): Application {
  return {
    id: row.id,
    name: row.name,
    client_id: row.clientId,
    scopes: row.scopes as Application['scopes'],
    status: row.disabledAt ? 'disabled' : 'active',
    logo_text: row.logoText,
    required_attributes: row.requiredAttributes,
    default_settings: row.defaultSettings,
    redirect_urls: row.redirectUrls,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const notFound = (id: string): ProblemException =>
  new ProblemException('not_found', `No application ${id}.`);

@Injectable()
export class ApplicationsService {
  constructor(private readonly applications: ApplicationsRepository) {}

  async create(input: CreateApplicationDto): Promise<ApplicationWithSecret> {
    const clientSecret = newClientSecret();
    const row = await this.applications.insert({
      name: input.name.trim(),
      clientId: `app_${randomBytes(12).toString('base64url')}`,
      clientSecretHash: hashClientSecret(clientSecret),
      scopes: [...input.scopes].sort(),
      logoText: input.logo_text ?? null,
      requiredAttributes: input.required_attributes ?? [],
      defaultSettings: input.default_settings ? settingsToJson(input.default_settings) : {},
      redirectUrls: input.redirect_urls ?? [],
    });
    return { ...toApplication(row), client_secret: clientSecret };
  }

  async get(id: string): Promise<Application> {
    const row = await this.applications.findById(id);
    if (!row) throw notFound(id);
    return toApplication(row);
  }

  async update(id: string, input: UpdateApplicationDto): Promise<Application> {
    const current = await this.applications.findById(id);
    if (!current) throw notFound(id);
    const changes: ApplicationChanges = {};
    if (input.name !== undefined) changes.name = input.name.trim();
    if (input.logo_text !== undefined) changes.logoText = input.logo_text;
    if (input.required_attributes !== undefined)
      changes.requiredAttributes = input.required_attributes;
    if (input.redirect_urls !== undefined) changes.redirectUrls = input.redirect_urls;
    if (input.default_settings !== undefined)
      changes.defaultSettings = settingsToJson(input.default_settings);
    if (input.scopes !== undefined) {
      changes.scopes = [...input.scopes].sort();
      if (current.scopes.some((scope) => !changes.scopes?.includes(scope)))
        changes.bumpTokenVersion = true;
    }
    if (input.status === 'disabled' && !current.disabledAt) {
      changes.disabledAt = new Date();
      changes.bumpTokenVersion = true;
    }
    if (input.status === 'active' && current.disabledAt) changes.disabledAt = null;
    const updated = await this.applications.update(id, changes);
    if (!updated) throw notFound(id);
    return toApplication(updated);
  }

  /** A new secret, shown once; every token issued before stops working. */
  async rotateSecret(id: string): Promise<ApplicationWithSecret> {
    const clientSecret = newClientSecret();
    const updated = await this.applications.update(id, {
      clientSecretHash: hashClientSecret(clientSecret),
      bumpTokenVersion: true,
    });
    if (!updated) throw notFound(id);
    return { ...toApplication(updated), client_secret: clientSecret };
  }

  async list(limit: number, cursor?: string): Promise<ApplicationPage> {
    const rows = await this.applications.list(limit + 1, positionAfter(cursor));
    return keysetPage(rows, limit, toApplication);
  }
}
