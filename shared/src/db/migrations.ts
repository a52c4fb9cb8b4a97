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
  {
    version: 3,
    name: 'alarms and rule sets',
    sql: `
      -- One row per alarm (CONTRACT.md "Alarms"), upserted from its transitions on metrics.alarms. The
      -- processor's fields move only forward (a transition with a higher version); the acknowledgement
      -- fields are set once, by the first ack.
      CREATE TABLE alarms (
        id               text PRIMARY KEY,      -- UUID derived from the raising event's id
        sensor_id        text NOT NULL,
        rule             text NOT NULL,
        metric           text,                  -- null for a silence alarm
        type             text NOT NULL,
        severity         text NOT NULL,
        status           text NOT NULL CHECK (status IN ('active', 'cleared')),
        raised_at        timestamptz NOT NULL,
        value            double precision,
        peak             double precision,
        events           integer NOT NULL,
        warnings         integer NOT NULL,
        last_warning_at  timestamptz,
        cleared_at       timestamptz,
        cleared_by       text,
        acknowledged_at  timestamptz,
        acknowledged_by  text,
        comment          text,
        version          bigint NOT NULL,
        updated_at       timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX alarms_raised ON alarms (raised_at DESC, id DESC);
      CREATE INDEX alarms_sensor_raised ON alarms (sensor_id, raised_at DESC, id DESC);
      CREATE INDEX alarms_active ON alarms (raised_at DESC, id DESC) WHERE status = 'active';

      -- The rule set, versioned: the newest row is in force. Configuration is the rule set until the
      -- first PUT /api/v1/rules stores one here.
      CREATE TABLE rule_sets (
        version    integer PRIMARY KEY,
        rules      jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text
      );
    `,
  },
  {
    version: 4,
    name: 'events in storage order',
    sql: `
      -- GET /api/v1/events?order=stored pages by this sequence, so a client following nextCursor from
      -- the start sees every event once however late it was stored (paging by (at, id) skips an event
      -- stored after the page that passed its time). The saver assigns it under an advisory lock held
      -- to commit (saver/src/writer.ts), so rows become visible in seq order, never a lower seq later.
      -- Existing rows are numbered in their physical order.
      ALTER TABLE events ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
      CREATE UNIQUE INDEX events_seq ON events (seq);
      CREATE INDEX events_sensor_seq ON events (sensor_id, seq);
      CREATE INDEX events_type_seq ON events (type, seq);
    `,
  },
  {
    version: 5,
    name: 'log lines',
    sql: `
      -- Log lines (contract "Logs"), newest first in every list: the indexes hold (at, id) descending,
      -- the keyset order of GET /api/v1/logs. level is a rank (shared/src/log-lines.ts: debug 10 ...
      -- critical 50) so "that level and above" is a range. tsv is the message's words, for q: 'simple'
      -- (no stemming, no stop words) because log text is not one natural language and a word searched
      -- for (an error code, a host name) must match as written, only lower-cased.
      CREATE TABLE logs (
        id          text PRIMARY KEY,            -- deduplication key (receiver-assigned or c/<sensor>/<client id>)
        sensor_id   text NOT NULL,
        level       smallint NOT NULL CHECK (level IN (10, 20, 30, 40, 50)),
        source      text,
        message     text NOT NULL,
        at          timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        tsv         tsvector GENERATED ALWAYS AS (to_tsvector('simple', message)) STORED
      );
      CREATE INDEX logs_sensor_at ON logs (sensor_id, at DESC, id DESC);
      CREATE INDEX logs_at ON logs (at DESC, id DESC);
      CREATE INDEX logs_level_at ON logs (level, at DESC, id DESC);
      CREATE INDEX logs_tsv ON logs USING gin (tsv);
    `,
  },
  {
    version: 6,
    name: 'rule-set versions from a sequence',
    sql: `
      -- PUT /api/v1/rules publishes a version to the rules topic before committing it; one whose publish
      -- timed out is rolled back, yet its message may still reach the topic later. Its number must never
      -- go to another rule set (the processors apply only a higher version than theirs), so numbers come
      -- from a sequence, which a rollback does not give back: a failed PUT may leave a gap.
      CREATE SEQUENCE rule_set_versions AS integer;
      SELECT setval('rule_set_versions', coalesce(max(version), 0) + 1, false) FROM rule_sets;
    `,
  },
  {
    version: 7,
    name: 'sensor ids in code-point order',
    sql: `
      -- GET /api/v1/sensors lists sensors by id and finds those whose id starts with a prefix as one
      -- range of this index: in "C" order the ids starting with p are exactly those >= p and
      -- < p || U+10FFFF. The primary key follows the database's collation, and a linguistic one (the
      -- postgres image's en_US.utf8) need not keep the ids with a common prefix together; LIKE 'p%'
      -- uses no index under any collation but "C" (not even C.UTF-8).
      CREATE INDEX sensor_metrics_sensor_id_c ON sensor_metrics (sensor_id COLLATE "C");
    `,
  },
  {
    version: 8,
    name: 'cheaper log indexes',
    sql: `
      -- The log-line insert was the end-to-end bottleneck (the saver waits on PostgreSQL; make
      -- bench-logs), and each line paid for five indexes. Two of them cost less now:
      -- * logs_level_at (level, at, id) was paid by every line, yet could not even give a
      --   "level >= x" filter its rows newest first (a range over level first means a sort). Partial
      --   indexes in (at, id) order for warning, error and critical and above do: a query's minimum
      --   level picks the one that holds exactly its rows, and only those rarer lines pay for them.
      --   Below warning, nearly every line matches and logs_at with a filter serves.
      -- * logs_tsv gets a 32 MB pending list (4 MB by default): new words are merged into the index in
      --   bulk when the list is full, and a merge costs less per entry the more it sorts at once.
      --   Searches read the pending list in full; bench-logs measures them with it full.
      -- Measured on 400,000 lines inserted 5,000 a statement, interleaved runs: 14% less time.
      DROP INDEX logs_level_at;
      CREATE INDEX logs_warning_at ON logs (at DESC, id DESC) WHERE level >= 30;
      CREATE INDEX logs_error_at ON logs (at DESC, id DESC) WHERE level >= 40;
      CREATE INDEX logs_critical_at ON logs (at DESC, id DESC) WHERE level >= 50;
      ALTER INDEX logs_tsv SET (gin_pending_list_limit = 32768);
    `,
  },
];
