// GET/PUT /api/v1/rules (CONTRACT.md "Rules API") and GET /api/v1/me.
// The rule set in force is the newest stored version, or the configuration (PROCESSOR_RULES) as
// version 0 until the first PUT. A PUT (operator token) is validated whole (a 400 names every
// problem), stored as the next version and published to the compacted rules topic, which every
// processor follows; it answers the rule set and its version.
import { type Request, type Response, Router } from 'express';
import { jsonBody, principalOf, ruleSetCodec, validationError } from '../../shared/src';
import type { AssessorAccess } from './assessor-access';
import type { Publisher } from './publisher';
import { reader, type RawQuery } from './query-params';
import { parseRulesBody, ruleSetView } from './rule-view';
import type { RulesStore } from './rules-store';

export const RULES_PATHS = {
  rules: '/api/v1/rules',
  me: '/api/v1/me',
} as const;

/** The key of every message of the rules topic: one key, so compaction keeps the newest version. */
export const RULES_KEY = 'rules';

/** 10,000 rules (RULE_SET_LIMITS) of a few hundred bytes each fit. */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

const noParameters = (req: Request) => {
  const r = reader(req.query as RawQuery, []);
  r.done();
};

export function createRulesRouter(deps: {
  store: RulesStore;
  publisher: Publisher;
  rulesTopic: string;
  /** PROCESSOR_RULES: the rule set until the first PUT */
  configuredRules: unknown;
  access: AssessorAccess;
  now: () => number;
}): Router {
  const { store, access } = deps;
  const router = Router();
  const configured = ruleSetView(deps.configuredRules);

  router.get(RULES_PATHS.rules, async (req: Request, res: Response) => {
    noParameters(req);
    const stored = await store.current();
    res.json(
      stored ? { rules: ruleSetView(stored.rules), version: stored.version } : { rules: configured, version: 0 },
    );
  });

  router.put(
    RULES_PATHS.rules,
    access.access.requireRole('operator'),
    jsonBody(BODY_LIMIT_BYTES),
    async (req: Request, res: Response) => {
      noParameters(req);
      const parsed = parseRulesBody(req.body);
      if (!parsed.ok) throw validationError(parsed.problems);
      const by = principalOf(res)?.name ?? 'unknown';
      const version = await store.replace(parsed.given, by, (v, json) =>
        deps.publisher.publish(
          deps.rulesTopic,
          RULES_KEY,
          ruleSetCodec.encode({ version: v, rules: json, at: deps.now() }),
        ),
      );
      res.json({ rules: parsed.rules, version });
    },
  );

  // Who the presented token is, for the dashboard to show only the controls it may use. Without a
  // token (reads open: with ASSESSOR_AUTH=on the read guard has answered 401 already) a viewer.
  router.get(RULES_PATHS.me, async (req: Request, res: Response) => {
    noParameters(req);
    res.set('Cache-Control', 'no-store');
    if (req.headers.authorization === undefined) {
      res.json({ name: null, role: 'viewer' });
      return;
    }
    const principal = await access.access.identify(req, res);
    res.json({ name: principal.name, role: principal.role });
  });

  return router;
}
