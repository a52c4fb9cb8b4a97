// Rule sets as the rules API reads and answers them (CONTRACT.md "Rules API"). Pure.
// Answers give every rule in its full v2 form (parseRuleSet's: defaults spelled out, `sensors: []` for
// every sensor), which parses again to the same rules: what GET answers is a valid PUT body as it is.
import { type FieldError, printable } from '../../shared/src';
import { type AlarmRule, parseRuleSet, RuleSetError } from '../../shared/src/rule-set';

/**
 * A stored or configured rule set (the rules as a PUT gave them, or PROCESSOR_RULES, in the v1 or the
 * already parsed v2 form) → its full v2 form. Throws RuleSetError as parseRuleSet does.
 */
export function ruleSetView(rules: unknown): AlarmRule[] {
  return parseRuleSet(rules);
}

/** PUT /api/v1/rules's body: {"rules": [...]} and nothing else. A 400's problems, every one, or the rules. */
export function parseRulesBody(
  body: unknown,
): { ok: true; rules: AlarmRule[]; given: unknown[] } | { ok: false; problems: FieldError[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problems: [{ field: 'body', message: 'must be a JSON object: {"rules": [...]}' }] };
  }
  const problems: FieldError[] = Object.keys(body)
    .filter((k) => k !== 'rules')
    .slice(0, 20)
    .map((k) => ({ field: printable(k), message: 'is not a field of a rule set' }));
  const given = (body as { rules?: unknown }).rules;
  if (!Array.isArray(given)) {
    // (parseRuleSet would also take a JSON text: not here, where the body is JSON already)
    problems.push({
      field: 'rules',
      message: given === undefined ? 'is required: the array of rules' : 'must be an array of rules',
    });
    return { ok: false, problems };
  }
  try {
    const rules = parseRuleSet(given);
    return problems.length ? { ok: false, problems } : { ok: true, rules, given };
  } catch (err) {
    if (!(err instanceof RuleSetError)) throw err;
    return { ok: false, problems: [...problems, ...err.problems] };
  }
}
