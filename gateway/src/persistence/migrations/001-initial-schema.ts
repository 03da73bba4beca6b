import type { Migration } from './migration';

/**
 * Tenants, their keys, and the usage ledger: one row per answered request (`usage_events`, the
 * audit trail) plus `usage_daily`, the per-day, per-subject, per-model sums kept in the same
 * transaction, which reports and budget checks read (a handful of rows instead of every request).
 */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial schema: tenants, api keys, usage ledger',
  sqlite: `
    CREATE TABLE tenants (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      rate_limit_rpm INTEGER,
      tokens_per_minute INTEGER,
      budget_usd REAL,
      budget_period TEXT NOT NULL CHECK (budget_period IN ('daily', 'monthly', 'total')),
      allowed_models TEXT,
      disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE api_keys (
      id TEXT PRIMARY KEY,
      tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      key_hash TEXT NOT NULL UNIQUE,
      preview TEXT NOT NULL,
      created_at TEXT NOT NULL,
      revoked_at TEXT
    ) STRICT;
    CREATE INDEX api_keys_tenant_id ON api_keys (tenant_id);

    CREATE TABLE usage_events (
      id TEXT PRIMARY KEY,
      occurred_at TEXT NOT NULL,
      day TEXT NOT NULL,
      subject TEXT NOT NULL,
      provider TEXT NOT NULL,
      model TEXT NOT NULL,
      prompt_tokens INTEGER NOT NULL,
      completion_tokens INTEGER NOT NULL,
      cost_nano_usd INTEGER NOT NULL,
      request_id TEXT NOT NULL
    ) STRICT;
    CREATE INDEX usage_events_day ON usage_events (day);

    CREATE TABLE usage_daily (
      day TEXT NOT NULL,
      subject TEXT NOT NULL,
      model TEXT NOT NULL,
      requests INTEGER NOT NULL,
      prompt_tokens INTEGER NOT NULL,
      completion_tokens INTEGER NOT NULL,
      cost_nano_usd INTEGER NOT NULL,
      PRIMARY KEY (day, subject, model)
    ) STRICT;
    CREATE INDEX usage_daily_subject_day ON usage_daily (subject, day);
  `,
  postgres: `
    CREATE TABLE tenants (
      id text PRIMARY KEY,
      name text NOT NULL,
      rate_limit_rpm bigint,
      tokens_per_minute bigint,
      budget_usd double precision,
      budget_period text NOT NULL CHECK (budget_period IN ('daily', 'monthly', 'total')),
      allowed_models jsonb,
      disabled boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );

    CREATE TABLE api_keys (
      id text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      key_hash text NOT NULL UNIQUE,
      preview text NOT NULL,
      created_at timestamptz NOT NULL,
      revoked_at timestamptz
    );
    CREATE INDEX api_keys_tenant_id ON api_keys (tenant_id);

    CREATE TABLE usage_events (
      id text PRIMARY KEY,
      occurred_at timestamptz NOT NULL,
      day date NOT NULL,
      subject text NOT NULL,
      provider text NOT NULL,
      model text NOT NULL,
      prompt_tokens bigint NOT NULL,
      completion_tokens bigint NOT NULL,
      cost_nano_usd bigint NOT NULL,
      request_id text NOT NULL
    );
    CREATE INDEX usage_events_day ON usage_events (day);

    CREATE TABLE usage_daily (
      day date NOT NULL,
      subject text NOT NULL,
      model text NOT NULL,
      requests bigint NOT NULL,
      prompt_tokens bigint NOT NULL,
      completion_tokens bigint NOT NULL,
      cost_nano_usd bigint NOT NULL,
      PRIMARY KEY (day, subject, model)
    );
    CREATE INDEX usage_daily_subject_day ON usage_daily (subject, day);
  `,
};
