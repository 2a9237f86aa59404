/**
 * The only code that reads or writes the applications table. Applications are the tenants
 * themselves, so these queries are operator-level and take no tenant key.
 */
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { type QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ApplicationEntity } from './application.entity';

export type NewApplication = Pick<
  ApplicationEntity,
  | 'name'
  | 'clientId'
  | 'clientSecretHash'
  | 'scopes'
  | 'logoText'
  | 'requiredAttributes'
  | 'defaultSettings'
  | 'redirectUrls'
>;

export type ApplicationChanges = Partial<
  Pick<
    ApplicationEntity,
    | 'name'
    | 'scopes'
    | 'logoText'
    | 'requiredAttributes'
    | 'defaultSettings'
    | 'redirectUrls'
    | 'disabledAt'
    | 'clientSecretHash'
  >
> & { bumpTokenVersion?: boolean };

@Injectable()
export class ApplicationsRepository {
  constructor(
    @InjectRepository(ApplicationEntity) private readonly rows: Repository<ApplicationEntity>,
  ) {}

  async insert(application: NewApplication): Promise<ApplicationEntity> {
    return this.rows.save(this.rows.create(application));
  }

  async findById(id: string): Promise<ApplicationEntity | null> {
    return this.rows.findOneBy({ id });
  }

  /** Applies changes; a token-version bump revokes every token issued before. */
  async update(id: string, changes: ApplicationChanges): Promise<ApplicationEntity | null> {
    const { bumpTokenVersion, ...values } = changes;
    await this.rows
      .createQueryBuilder()
      .update(ApplicationEntity)
      .set({
        ...(values as QueryDeepPartialEntity<ApplicationEntity>),
        ...(bumpTokenVersion ? { tokenVersion: () => 'token_version + 1' } : {}),
      })
      .where('id = :id', { id })
      .execute();
    return this.findById(id);
  }

  async findByClientId(clientId: string): Promise<ApplicationEntity | null> {
    return this.rows.findOneBy({ clientId });
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async list(limit: number, after?: { createdAt: Date; id: string }): Promise<ApplicationEntity[]> {
    const query = this.rows
      .createQueryBuilder('a')
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(limit);
    if (after) {
      query.where('(a.created_at, a.id) < (:createdAt, :id)', after);
    }
    return query.getMany();
  }
}
