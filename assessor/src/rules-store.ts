// The rule set's versions in PostgreSQL (table rule_sets; the newest row is in force). A new version
// is numbered, stored and published under one lock, so concurrent PUTs (on any assessor) get
// increasing versions, published to the rules topic in version order, and committed only once Kafka
// has it. Numbers come from the sequence rule_set_versions (migration 6): a PUT rolled back after its
// publish timed out (whose message may still land) never has its number given to another rule set.
import type { Pool } from 'pg';
import { withTransaction } from '../../shared/src';

export interface StoredRuleSet {
  version: number;
  /** the rules as the PUT gave them */
  rules: unknown;
}

export interface RulesStore {
  /** The newest stored version, or undefined before the first PUT. */
  current(): Promise<StoredRuleSet | undefined>;
  /**
   * Stores `rules` as the next version. `publish` gets the version and must resolve before the
   * version is committed: a failed publish stores nothing.
   */
  replace(rules: unknown[], by: string, publish: (version: number, json: string) => Promise<void>): Promise<number>;
}

/** Advisory lock of rule-set changes; distinct from migrate.ts's and the saver's keys. */
const RULES_LOCK = 7_264_004;

export function createRulesStore(pool: Pool): RulesStore {
  return {
    async current() {
      const { rows } = await pool.query<StoredRuleSet>(
        'SELECT version, rules FROM rule_sets ORDER BY version DESC LIMIT 1',
      );
      return rows[0];
    },

    replace(rules, by, publish) {
      return withTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [RULES_LOCK]);
        const { rows } = await client.query<{ next: number }>("SELECT nextval('rule_set_versions')::int AS next");
        const version = rows[0].next;
        const json = JSON.stringify(rules);
        await client.query('INSERT INTO rule_sets (version, rules, created_by) VALUES ($1, $2::jsonb, $3)', [
          version,
          json,
          by,
        ]);
        await publish(version, json);
        return version;
      });
    },
  };
}
