// The README documents every setting and every error code; these checks keep it in step with the code.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_STATUS, settingsTable } from '../shared/src';

const README = path.join(__dirname, '..', 'README.md');
const START = '<!-- settings:start -->';
const END = '<!-- settings:end -->';

describe('README', () => {
  const text = readFileSync(README, 'utf8');

  it('holds the settings table generated from the convict schema', () => {
    const expected = `${START}\n${settingsTable()}\n${END}`;
    const actual = text.slice(text.indexOf(START), text.indexOf(END) + END.length);
    if (process.env.UPDATE_README === '1' && actual !== expected) {
      writeFileSync(README, text.replace(actual, expected));
      return;
    }
    expect(actual).toBe(expected);
  });

  it('shows the two commands first: make run and make test', () => {
    const quickStart = text.slice(0, text.indexOf('## Architecture'));
    expect(quickStart).toContain('make run');
    expect(quickStart).toContain('make test');
  });

  it('documents every HTTP status the services answer with', () => {
    for (const status of Object.values(ERROR_STATUS)) {
      if (status !== 500) expect(text).toMatch(new RegExp(`\\|\\s*${status}\\s*\\|`));
    }
  });
});
