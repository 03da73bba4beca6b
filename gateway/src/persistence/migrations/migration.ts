/**
 * A versioned schema change, written once per dialect. Migrations are applied in version order,
 * each in its own transaction, and recorded in `schema_migrations`; a shipped migration is never
 * edited: the next change is a new version.
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}
