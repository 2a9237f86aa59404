/**
 * The only code that reads or writes the applications table. Applications are the tenants
 * themselves, so these queries are operator-level and take no tenant key.
 */
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApplicationEntity } from './application.entity';

export interface NewApplication {
  name: string;
  clientId: string;
  clientSecretHash: string;
  scopes: string[];
}

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
