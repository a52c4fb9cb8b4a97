import { splitLines } from './line-splitter';

test('complete lines with their offsets; the partial last line is left for later', () => {
  const { lines, consumed } = splitLines(Buffer.from('one\ntwo\r\nthr'), 100, 1024);
  expect(lines).toEqual([
    { offset: 100, end: 104, text: 'one' },
    { offset: 104, end: 109, text: 'two' },
  ]);
  expect(consumed).toBe(9);
});

test('empty lines are skipped but consumed', () => {
  const { lines, consumed } = splitLines(Buffer.from('\n\r\na\n\n'), 0, 1024);
  expect(lines).toEqual([{ offset: 3, end: 5, text: 'a' }]);
  expect(consumed).toBe(6);
});

test('a partial line longer than the limit is cut into pieces of the limit', () => {
  const { lines, consumed } = splitLines(Buffer.from('abcdefgh'), 0, 3);
  expect(lines.map((l) => l.text)).toEqual(['abc', 'def']);
  expect(consumed).toBe(6);
});

test('final: the last line without its newline is a line too', () => {
  const { lines, consumed } = splitLines(Buffer.from('a\nlast'), 0, 1024, true);
  expect(lines.map((l) => l.text)).toEqual(['a', 'last']);
  expect(consumed).toBe(6);
});

test('multi-byte characters are decoded whole', () => {
  const { lines } = splitLines(Buffer.from('héllo wörld\n'), 0, 1024);
  expect(lines[0].text).toBe('héllo wörld');
});
