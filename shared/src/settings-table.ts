// The README's settings table, generated from the convict schema so the two cannot drift apart
// (test/readme.test.ts compares them; `UPDATE_README=1 npx jest test/readme` rewrites the section).
import { describeSettings } from './config';

export function settingsTable(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = describeSettings().map(
    (s) => `| \`${s.env}\` | \`${s.key}\` | \`${cell(JSON.stringify(s.default))}\` | ${cell(s.doc)} |`,
  );
  return ['| Environment variable | Setting | Default | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}
