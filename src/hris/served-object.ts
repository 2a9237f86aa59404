/**
 * Owns the one shape in which a stored unified record leaves the gateway, in API responses and
 * in change events alike: the gateway id, the served fields (`data`), and the bookkeeping
 * timestamps. `remote_data` is added only when a client asks for it.
 */
export interface RecordTimes {
  created_at: Date;
  updated_at: Date;
  remote_deleted_at: Date | null;
}

export function servedObject(
  id: string,
  data: Record<string, unknown>,
  times: RecordTimes,
): Record<string, unknown> {
  return {
    id,
    ...data,
    created_at: times.created_at.toISOString(),
    updated_at: times.updated_at.toISOString(),
    remote_deleted_at: times.remote_deleted_at?.toISOString() ?? null,
  };
}
