import { initialSchema } from './001-initial-schema';
import type { Migration } from './migration';

export type { Migration } from './migration';

/** Every migration, oldest first. Append new versions; never edit or reorder shipped ones. */
export const MIGRATIONS: readonly Migration[] = [initialSchema];

/** The schema version this build of the gateway expects. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Refuses to run against a schema written by a newer gateway: its data may not mean what we think. */
export function assertNotNewer(appliedVersions: number[], location: string): void {
  const newest = Math.max(0, ...appliedVersions);
  if (newest > LATEST_SCHEMA_VERSION)
    throw new Error(
      `The database at ${location} has schema version ${newest}, newer than this gateway's ${LATEST_SCHEMA_VERSION}: run a gateway at least as new as the one that migrated it`,
    );
}
