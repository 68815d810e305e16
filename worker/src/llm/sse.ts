/**
 * @module llm/sse
 * A minimal Server-Sent Events reader for chat-completions streams: bytes in, the `data:` payload of each event out.
 * Written against the WHATWG stream API only (no Node streams), so it runs on Workers and Node alike. Lines may end
 * in LF, CRLF or CR; an event may span several `data:` lines (joined with LF); comments (`: keep-alive`) and other
 * fields are skipped; a chunk boundary may fall anywhere, even inside a multi-byte character.
 */

/**
 * Splits decoded text into SSE events. Feed text with {@link SseDecoder.push}; call {@link SseDecoder.end} at the end
 * of the stream to flush a last event that lacks its blank line.
 */
export class SseDecoder {
  private buffer = '';
  private data: string[] = [];

  /** @returns the `data` payloads of the events completed by this text. */
  push(text: string): string[] {
    this.buffer += text;
    const out: string[] = [];
    for (;;) {
      const m = /\r\n|\n|\r/.exec(this.buffer);
      if (m === null) {
        break;
      }
      // A trailing lone CR may be the first half of CRLF: wait for the next chunk.
      if (m[0] === '\r' && m.index === this.buffer.length - 1) {
        break;
      }
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      this.line(line, out);
    }
    return out;
  }

  /** Flushes what is left (a final line without a newline and an event without its blank line). */
  end(): string[] {
    const out: string[] = [];
    if (this.buffer !== '') {
      this.line(this.buffer.replace(/\r$/, ''), out);
      this.buffer = '';
    }
    this.line('', out);
    return out;
  }

  private line(line: string, out: string[]): void {
    if (line === '') {
      if (this.data.length > 0) {
        out.push(this.data.join('\n'));
        this.data = [];
      }
      return;
    }
    if (line.startsWith(':')) {
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') {
      return;
    }
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    this.data.push(value);
  }
}

/**
 * Reads a byte stream as SSE `data` payloads.
 * @param body - e.g. `response.body`.
 * @example for await (const data of readSseData(res.body)) { if (data === '[DONE]') break; }
 */
export async function* readSseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const sse = new SseDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        yield* sse.push(decoder.decode());
        yield* sse.end();
        return;
      }
      yield* sse.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    // Stop the upstream body when the consumer leaves early (break, error, client gone).
    reader.cancel().catch(() => {});
  }
}
