/**
 * Every TypeORM entity, listed explicitly: a glob would silently miss a file or pick up a
 * stray one, and the migration drift check depends on this list being complete.
 */
export const ENTITIES: Function[] = [];
