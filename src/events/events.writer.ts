/**
 * Appends change events to the outbox inside the caller's transaction, so an event exists if
 * and only if the change it describes was committed. The per-connection sequence is taken from
 * the connection row (row-locked by the UPDATE), which makes it gapless and strictly ordered.
 */
import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { EventEntity } from './event.entity';
import { type EventType } from './event-types';

export interface EventSubject {
  id: string;
  applicationId: string;
  customerRef: string;
}

@Injectable()
export class EventsWriter {
  async append(
    manager: EntityManager,
    connection: EventSubject,
    type: EventType,
    object: Record<string, unknown>,
    previous?: Record<string, unknown>,
  ): Promise<EventEntity> {
    const [rows] = await manager.query<[Array<{ last_event_sequence: string }>, number]>(
      `UPDATE connections SET last_event_sequence = last_event_sequence + 1
       WHERE id = $1 RETURNING last_event_sequence`,
      [connection.id],
    );
    const sequence = rows[0]?.last_event_sequence;
    if (!sequence) throw new Error(`connection ${connection.id} vanished while writing an event`);
    const repository = manager.getRepository(EventEntity);
    return repository.save(
      repository.create({
        applicationId: connection.applicationId,
        connectionId: connection.id,
        customerRef: connection.customerRef,
        sequence,
        type,
        occurredAt: new Date(),
        data: previous === undefined ? { object } : { object, previous },
      }),
    );
  }
}
