import { describe, expect, it } from 'vitest';
import { parseSse } from './sse';

describe('parseSse', () => {
  it('splits events, joins multi-line data and keeps an unfinished tail', () => {
    const { events, rest } = parseSse(
      'event: meta\ndata: {"a":1}\n\nevent: delta\ndata: {"text":"x\ndata: y"}\n\nevent: delta\ndata: {"te',
    );
    expect(events).toEqual([
      { event: 'meta', data: '{"a":1}' },
      { event: 'delta', data: '{"text":"x\ny"}' },
    ]);
    expect(rest).toBe('event: delta\ndata: {"te');
  });
  it('accepts CRLF line ends and defaults the event name', () => {
    expect(parseSse('data: 1\r\n\r\n').events).toEqual([{ event: 'message', data: '1' }]);
  });
});
