// The README's example host rules are a valid rule set, and say what the README says they say.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseRuleSet } from '../../shared/src/rule-set';

test('the Agent section of the README holds a valid rule set: CPU > 90 for 6 readings, disk > 90, silent 60 s', () => {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Agent\n'));
  const json = /```json\n([\s\S]*?)```/.exec(section)![1];
  const rules = parseRuleSet((JSON.parse(json) as { rules: unknown }).rules);
  expect(rules).toEqual([
    expect.objectContaining({ metric: 'cpu_usage', comparison: '>', threshold: 90, warningsForEvent: 6 }),
    expect.objectContaining({ metric: 'disk_usage', comparison: '>', threshold: 90 }),
    expect.objectContaining({ kind: 'silence', afterSeconds: 60, type: 'SENSOR_SILENT' }),
  ]);
});
