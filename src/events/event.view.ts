import { type components } from '../../openapi/generated/hris-gateway';

/** An event row as stored, and as the pull feed and webhook bodies show it (Event in openapi/). */
export interface EventRow {
  id: string;
  type: string;
  connection_id: string | null;
  customer_ref: string | null;
  sequence: string;
  occurred_at: Date;
  /** Every writer stores `{ object, previous?, reason? }`. */
  data: components['schemas']['EventData'];
}

/** The contract's Event schema: the generated type, so the two cannot drift apart. */
export type EventView = components['schemas']['Event'];

export const EVENT_COLUMNS = 'id, type, connection_id, customer_ref, sequence, occurred_at, data';

export function toEventView(row: EventRow): EventView {
  return {
    id: row.id,
    type: row.type,
    connection_id: row.connection_id,
    customer_ref: row.customer_ref,
    sequence: Number(row.sequence),
    occurred_at: row.occurred_at.toISOString(),
    data: row.data,
  };
}
