import { createSseParser } from './sse';

describe('the event-stream parser', () => {
  it('parses named events with JSON data, skipping heartbeat comments', () => {
    const p = createSseParser();
    const out = p.push(': heartbeat\n\nevent: reading\ndata: {"sensorId":"s-1","value":1}\n\n');
    expect(out).toEqual([{ event: 'reading', data: '{"sensorId":"s-1","value":1}' }]);
  });

  it('joins data lines with \\n and names an unnamed event "message"', () => {
    expect(createSseParser().push('data: a\ndata: b\n\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('when a message arrives in pieces, split anywhere (even inside \\r\\n), then it is the same message', () => {
    const text = 'event: alarm\r\nid: 7\r\ndata: {"x":1}\r\n\r\nevent: event\r\ndata: 2\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      const p = createSseParser();
      const out = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(out).toEqual([
        { event: 'alarm', data: '{"x":1}', id: '7' },
        { event: 'event', data: '2', id: '7' },
      ]);
      expect(p.lastEventId).toBe('7');
    }
  });

  it('keeps the retry the server asks for, ignores unknown fields and a blank line without data', () => {
    const p = createSseParser();
    expect(p.push('retry: 2500\nfoo: bar\n\n')).toEqual([]);
    expect(p.retryMs).toBe(2500);
    expect(p.push('data:no-space\r\r')).toEqual([{ event: 'message', data: 'no-space' }]);
  });
});
