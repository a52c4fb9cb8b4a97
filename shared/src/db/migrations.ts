// The database schema, as ordered migrations. Append new ones; never edit one that has shipped.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'readings, events, minute rollups, sensors',
    sql: `
      CREATE TABLE readings (
        id          text PRIMARY KEY,            -- deduplication key (receiver-assigned or client-chosen)
        sensor_id   text NOT NULL,
        metric      text NOT NULL,
        value       double precision NOT NULL,
        at          timestamptz NOT NULL,
        received_at timestamptz NOT NULL
      );
      CREATE INDEX readings_sensor_metric_at ON readings (sensor_id, metric, at);
      -- time-range scans across sensors; BRIN stays tiny and cheap to maintain on append-mostly data
      CREATE INDEX readings_at_brin ON readings USING brin (at);

      CREATE TABLE events (
        id                 text PRIMARY KEY,     -- deterministic: the id of the reading that raised it
        sensor_id          text NOT NULL,
        metric             text NOT NULL,
        type               text NOT NULL,
        value              double precision NOT NULL,
        at                 timestamptz NOT NULL,
        threshold          double precision NOT NULL,
        rule               text NOT NULL,
        warnings_for_event integer NOT NULL,
        reading_id         text NOT NULL,
        stored_at          timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX events_sensor_at ON events (sensor_id, at, id);
      CREATE INDEX events_at ON events (at, id);
      CREATE INDEX events_type_at ON events (type, at, id);

      -- Per-minute aggregates, written in the same transaction as the raw rows and only from rows that
      -- were really inserted, so a redelivered reading never counts twice.
      CREATE TABLE readings_minute (
        sensor_id text NOT NULL,
        metric    text NOT NULL,
        minute    timestamptz NOT NULL,
        count     bigint NOT NULL,
        sum       double precision NOT NULL,
        min       double precision NOT NULL,
        max       double precision NOT NULL,
        PRIMARY KEY (sensor_id, metric, minute)
      );

      -- The sensors known: latest reading per (sensor, metric).
      CREATE TABLE sensor_metrics (
        sensor_id  text NOT NULL,
        metric     text NOT NULL,
        first_at   timestamptz NOT NULL,
        last_at    timestamptz NOT NULL,
        last_value double precision NOT NULL,
        count      bigint NOT NULL,
        PRIMARY KEY (sensor_id, metric)
      );
    `,
  },
  {
    version: 2,
    name: 'access tokens',
    sql: `
      -- Access tokens (README "Access"): only the SHA-256 of each token is kept, never the token itself.
      -- Revoking deletes the row, so a name may be used again for a new token.
      CREATE TABLE tokens (
        name       text PRIMARY KEY,
        hash       text NOT NULL UNIQUE,   -- base64url SHA-256 of the token: what a presented token is looked up by
        role       text NOT NULL CHECK (role IN ('sensor', 'viewer', 'operator', 'admin')),
        sensors    text[] NOT NULL DEFAULT '{}',  -- glob patterns of the sensors a sensor token may post for
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];
