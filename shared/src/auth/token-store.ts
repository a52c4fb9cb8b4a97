// The tokens table (migration 2): creating, listing, revoking, and looking a presented token up by
// its hash. Tokens themselves never reach PostgreSQL: only their SHA-256.
import type { Pool } from 'pg';
import { generateToken, hashToken, type Role } from './tokens';

export interface TokenInfo {
  name: string;
  role: Role;
  /** glob patterns of the sensors a sensor token may post for; [] for the other roles */
  sensors: string[];
  createdAt: string;
}

export interface NewToken {
  name: string;
  role: Role;
  sensors?: readonly string[];
}

export class TokenNameTaken extends Error {
  override readonly name = 'TokenNameTaken';
}

export interface TokenStore {
  /** Generates the token; resolves with it (the only time it exists outside its holder) and its info. */
  create(token: NewToken): Promise<{ token: string; info: TokenInfo }>;
  /** Stores a token the caller has (the admin bootstrap) under `name`, replacing that name's hash. */
  put(token: string, info: NewToken): Promise<TokenInfo>;
  list(): Promise<TokenInfo[]>;
  /** true when a token of that name existed */
  revoke(name: string): Promise<boolean>;
  findByHash(hash: string): Promise<(TokenInfo & { hash: string }) | undefined>;
}

interface Row {
  name: string;
  hash: string;
  role: Role;
  sensors: string[];
  created_at: Date;
}

const toInfo = (row: Row): TokenInfo => ({
  name: row.name,
  role: row.role,
  sensors: row.sensors,
  createdAt: row.created_at.toISOString(),
});

const COLUMNS = 'name, hash, role, sensors, created_at';

export function createTokenStore(pool: Pool): TokenStore {
  return {
    async create(token) {
      const secret = generateToken();
      const { rows } = await pool.query<Row>(
        `INSERT INTO tokens (name, hash, role, sensors) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
        [token.name, hashToken(secret), token.role, token.sensors ?? []],
      );
      if (!rows[0]) throw new TokenNameTaken(`a token named "${token.name}" exists`);
      return { token: secret, info: toInfo(rows[0]) };
    },
    async put(token, info) {
      const { rows } = await pool.query<Row>(
        `INSERT INTO tokens (name, hash, role, sensors) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET hash = EXCLUDED.hash, role = EXCLUDED.role, sensors = EXCLUDED.sensors
         RETURNING ${COLUMNS}`,
        [info.name, hashToken(token), info.role, info.sensors ?? []],
      );
      return toInfo(rows[0]);
    },
    async list() {
      const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM tokens ORDER BY name`);
      return rows.map(toInfo);
    },
    async revoke(name) {
      const { rowCount } = await pool.query('DELETE FROM tokens WHERE name = $1', [name]);
      return (rowCount ?? 0) > 0;
    },
    async findByHash(hash) {
      const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM tokens WHERE hash = $1`, [hash]);
      return rows[0] ? { ...toInfo(rows[0]), hash: rows[0].hash } : undefined;
    },
  };
}
