/** One server-sent event: its `event:` name (absent for plain messages) and its joined `data:`. */
export interface ServerSentEvent {
  event: string | undefined;
  data: string;
}

/**
 * Decodes a `text/event-stream` body (as UTF-8 text pieces, split anywhere) into events, as
 * each one completes: an event is yielded the moment its blank line arrives, never batched.
 *
 * Written by hand because it sits on the streaming hot path: the SDKs' decoders run on web
 * streams and allocate per line; this one slices the text it already holds. It follows the
 * WHATWG rules the OpenAI-style upstreams use: `\n` or `\r\n` line ends, `:` comments, one
 * optional space after the colon, multiple `data:` lines joined with `\n`.
 */
export async function* decodeServerSentEvents(
  pieces: AsyncIterable<string>,
): AsyncGenerator<ServerSentEvent> {
  let pending = '';
  let data: string[] = [];
  let event: string | undefined;
  for await (const piece of pieces) {
    pending = pending === '' ? piece : pending + piece;
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      const line =
        pending.charCodeAt(end - 1) === 13
          ? pending.slice(start, end - 1)
          : pending.slice(start, end);
      start = end + 1;
      if (line === '') {
        if (data.length > 0) yield { event, data: data.length === 1 ? data[0] : data.join('\n') };
        data = [];
        event = undefined;
        continue;
      }
      const field = readField(line);
      if (field?.name === 'data') data.push(field.value);
      else if (field?.name === 'event') event = field.value;
    }
    pending = start === 0 ? pending : pending.slice(start);
  }
  // A body that ends without the final blank line still delivers its last event.
  if (pending !== '') {
    const field = readField(pending.endsWith('\r') ? pending.slice(0, -1) : pending);
    if (field?.name === 'data') data.push(field.value);
  }
  if (data.length > 0) yield { event, data: data.join('\n') };
}

function readField(line: string): { name: string; value: string } | undefined {
  if (line.charCodeAt(0) === 58 /* ':' comment */) return undefined;
  const colon = line.indexOf(':');
  if (colon === -1) return { name: line, value: '' };
  const valueStart = line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
  return { name: line.slice(0, colon), value: line.slice(valueStart) };
}
