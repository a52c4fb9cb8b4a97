import { HEARTBEAT, sseComment, sseMessage, sseRetry } from './sse-frames';

describe('SSE frames', () => {
  it('when a message is framed, then it is an event line, one data line of JSON and a blank line', () => {
    expect(sseMessage('reading', { sensorId: 's-1', value: 1 })).toBe(
      'event: reading\ndata: {"sensorId":"s-1","value":1}\n\n',
    );
  });

  it('when the data holds line breaks, then they stay escaped inside the one data line', () => {
    const frame = sseMessage('alarm', { comment: 'line 1\nline 2\r\n\u2028' });
    expect(frame.split('\n')).toEqual(['event: alarm', 'data: {"comment":"line 1\\nline 2\\r\\n\u2028"}', '', '']);
  });

  it('when an event name is not one of ours, then framing refuses it', () => {
    expect(() => sseMessage('reading\ndata: x', {})).toThrow();
  });

  it('when a comment or retry hint is framed, then clients ignore the comment and read the delay', () => {
    expect(HEARTBEAT).toBe(': ping\n\n');
    expect(sseComment('a\nb')).toBe(': a b\n\n');
    expect(sseRetry(3000)).toBe('retry: 3000\n\n');
  });
});
