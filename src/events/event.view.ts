/** An event as the pull feed and webhook bodies show it (the Event schema in openapi/). */
export interface EventRow {
  id: string;
  type: string;
  connection_id: string | null;
  customer_ref: string | null;
  sequence: string;
  occurred_at: Date;
  data: Record<string, unknown>;
}

export interface EventView {
  id: string;
  type: string;
  connection_id: string | null;
  customer_ref: string | null;
  sequence: number;
  occurred_at: string;
  data: Record<string, unknown>;
}

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
