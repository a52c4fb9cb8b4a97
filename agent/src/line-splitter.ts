// Cuts the bytes read from a file into lines, each with the offset where it starts. A line is sent
// only once its newline is there (a writer may be half-way through it); a partial line longer than
// maxLineBytes is sent as it is, so one endless line cannot hold the file up.

export interface Line {
  /** offset of its first byte in the file */
  offset: number;
  /** offset just past it (past its newline): where reading resumes */
  end: number;
  text: string;
}

/**
 * The complete lines of `chunk`, read at `chunkOffset`; `consumed` is how many bytes of it they
 * cover (the rest, a partial line, is read again next time). An empty line (or one of only CR) is
 * skipped: the contract's messages are 1 byte or more.
 */
export function splitLines(
  chunk: Buffer,
  chunkOffset: number,
  maxLineBytes: number,
  /** the file is finished: a last line without its newline is a line too */
  final = false,
): { lines: Line[]; consumed: number } {
  const lines: Line[] = [];
  let start = 0;
  while (start < chunk.length) {
    let nl = chunk.indexOf(0x0a, start);
    if (nl < 0) {
      if (final) nl = Math.min(chunk.length, start + maxLineBytes) - 1;
      else if (chunk.length - start < maxLineBytes) break;
      else nl = start + maxLineBytes - 1; // cut an overlong partial line
    }
    let stop = nl;
    if (stop > start && chunk[stop - 1] === 0x0d && chunk[nl] === 0x0a) stop -= 1;
    const text = chunk.toString('utf8', start, chunk[nl] === 0x0a ? stop : nl + 1);
    if (text.length > 0) lines.push({ offset: chunkOffset + start, end: chunkOffset + nl + 1, text });
    start = nl + 1;
  }
  return { lines, consumed: start };
}
