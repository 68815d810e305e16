import { describe, expect, it } from 'vitest';
import { readSseData, SseDecoder } from './sse';

function streamOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) {
        c.enqueue(typeof ch === 'string' ? enc.encode(ch) : ch);
      }
      c.close();
    },
  });
}

async function all(s: ReadableStream<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const d of readSseData(s)) {
    out.push(d);
  }
  return out;
}

describe('SseDecoder', () => {
  it('splits events on blank lines, skips comments and other fields', () => {
    const d = new SseDecoder();
    expect(d.push(': keep-alive\n\nevent: x\nid: 1\ndata: a\n\ndata: b\n')).toEqual(['a']);
    expect(d.push('\n')).toEqual(['b']);
  });

  it('joins multi-line data and handles CRLF and CR', () => {
    const d = new SseDecoder();
    expect(d.push('data: one\r\ndata: two\r\n\r\ndata:three\r\r')).toEqual(['one\ntwo']);
    // The trailing CR might be half of a CRLF; the end of the stream settles it.
    expect(d.end()).toEqual(['three']);
  });

  it('waits when a chunk ends in the middle of CRLF', () => {
    const d = new SseDecoder();
    expect(d.push('data: x\r')).toEqual([]);
    expect(d.push('\n\r\n')).toEqual(['x']);
  });

  it('flushes a last event without its blank line', () => {
    const d = new SseDecoder();
    expect(d.push('data: [DONE]')).toEqual([]);
    expect(d.end()).toEqual(['[DONE]']);
  });
});

describe('readSseData', () => {
  it('handles chunk boundaries anywhere, including inside a multi-byte character', async () => {
    const bytes = new TextEncoder().encode('data: {"c":"内在价值"}\n\ndata: [DONE]\n\n');
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 3) {
      chunks.push(bytes.slice(i, i + 3));
    }
    expect(await all(streamOf(chunks))).toEqual(['{"c":"内在价值"}', '[DONE]']);
  });

  it('stops reading when the consumer leaves early', async () => {
    let cancelled = false;
    const s = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new TextEncoder().encode('data: x\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const d of readSseData(s)) {
      expect(d).toBe('x');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
