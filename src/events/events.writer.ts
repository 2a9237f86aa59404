/**
 * Appends change events to the outbox inside the caller's transaction, so an event exists if
 * and only if the change it describes was committed. The per-connection sequence is taken from
 * the connection row (row-locked by the UPDATE), which makes it gapless and strictly ordered.
 */
import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type EventType } from './event-types';

export interface EventSubject {
  id: string;
  applicationId: string;
  customerRef: string;
}

export interface NewEvent {
  type: EventType;
  /** `{ object, previous?, reason? }` */
  data: Record<string, unknown>;
}

@Injectable()
export class EventsWriter {
  /**
   * Appends events in the given order with consecutive sequences, in one statement per call:
   * a sync's thousands of changes must not cost a round trip each. The connection row stays
   * locked by the UPDATE until the caller's transaction ends, so sequences stay gapless.
   */
  async appendMany(
    manager: EntityManager,
    connection: EventSubject,
    events: readonly NewEvent[],
    occurredAt: Date = new Date(),
  ): Promise<void> {
    if (events.length === 0) return;
    const [rows] = await manager.query<[Array<{ last_event_sequence: string }>, number]>(
      `UPDATE connections SET last_event_sequence = last_event_sequence + $2
       WHERE id = $1 RETURNING last_event_sequence`,
      [connection.id, events.length],
    );
    const last = rows[0]?.last_event_sequence;
    if (!last) throw new Error(`connection ${connection.id} vanished while writing events`);
    const first = BigInt(last) - BigInt(events.length) + 1n;
    await manager.query(
      `INSERT INTO events (application_id, connection_id, customer_ref, sequence, type, occurred_at, data)
       SELECT $1, $2, $3, $4::bigint + e.ordinality - 1, e.value->>'type', $5, e.value->'data'
       FROM jsonb_array_elements($6::jsonb) WITH ORDINALITY AS e(value, ordinality)`,
      [
        connection.applicationId,
        connection.id,
        connection.customerRef,
        first.toString(),
        occurredAt,
        JSON.stringify(events),
      ],
    );
  }

  /**
   * An event about the application itself (no connection, e.g. `webhook_endpoint.disabled`),
   * on the application's own gapless sequence, locked the same way through its row.
   */
  async appendToApplication(
    manager: EntityManager,
    applicationId: string,
    type: EventType,
    object: Record<string, unknown>,
    occurredAt: Date = new Date(),
  ): Promise<void> {
    const [rows] = await manager.query<[Array<{ last_event_sequence: string }>, number]>(
      `UPDATE applications SET last_event_sequence = last_event_sequence + 1
       WHERE id = $1 RETURNING last_event_sequence`,
      [applicationId],
    );
    const sequence = rows[0]?.last_event_sequence;
    if (!sequence) throw new Error(`application ${applicationId} vanished while writing an event`);
    await manager.query(
      `INSERT INTO events (application_id, connection_id, customer_ref, sequence, type, occurred_at, data)
       VALUES ($1, NULL, NULL, $2, $3, $4, $5)`,
      [applicationId, sequence, type, occurredAt, JSON.stringify({ object })],
    );
  }

  /** One event (`{ object, previous? }`), in the caller's transaction. */
  async append(
    manager: EntityManager,
    connection: EventSubject,
    type: EventType,
    object: Record<string, unknown>,
    previous?: Record<string, unknown>,
  ): Promise<void> {
    await this.appendMany(manager, connection, [
      { type, data: previous === undefined ? { object } : { object, previous } },
    ]);
  }
}
