/**
 * Owns matching a product's users to people by email: case-insensitive and whitespace-trimmed,
 * live employees of the token's connection only. An email two people share is ambiguous rather
 * than matched to either.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { servedObject } from './served-object';

export interface MatchResult {
  matched: Array<{ email: string; employee: Record<string, unknown> }>;
  unmatched: string[];
  ambiguous: Array<{ email: string; employee_ids: string[] }>;
}

@Injectable()
export class EmployeeMatcher {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async match(connectionId: string, emails: readonly string[]): Promise<MatchResult> {
    const wanted = Array.from(new Set(emails.map((e) => e.trim().toLowerCase())));
    const rows = await this.dataSource.query<
      Array<{
        id: string;
        email_lower: string;
        data: Record<string, unknown>;
        created_at: Date;
        updated_at: Date;
        remote_deleted_at: Date | null;
      }>
    >(
      `SELECT id, email_lower, data, created_at, updated_at, remote_deleted_at FROM employees
       WHERE connection_id = $1 AND remote_deleted_at IS NULL AND email_lower = ANY($2::text[])
       ORDER BY id`,
      [connectionId, wanted],
    );
    const byEmail = new Map<string, typeof rows>();
    for (const row of rows)
      byEmail.set(row.email_lower, [...(byEmail.get(row.email_lower) ?? []), row]);
    const result: MatchResult = { matched: [], unmatched: [], ambiguous: [] };
    for (const email of wanted) {
      const found = byEmail.get(email) ?? [];
      if (found.length === 0) result.unmatched.push(email);
      else if (found.length > 1)
        result.ambiguous.push({ email, employee_ids: found.map((r) => r.id) });
      else
        result.matched.push({
          email,
          employee: servedObject(found[0]!.id, found[0]!.data, found[0]!),
        });
    }
    return result;
  }
}
