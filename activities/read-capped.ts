// Reads a fetch Response body up to a byte cap and then stops: a probed endpoint or a router
// that answers with gigabytes (or never ends its body) costs at most `maxBytes` of memory and
// the time to read them. The rest of the body is cancelled, which closes the connection.

/** What was read: the text (UTF-8, a character cut at the cap dropped) and whether the body went on. */
export interface CappedBody {
  text: string;
  truncated: boolean;
  bytes: number;
}

/** Default cap for probe and switch answers: a color endpoint says {"color":"blue"}. */
export const DEFAULT_BODY_CAP_BYTES = 64 * 1024;

export async function readCapped(response: Response, maxBytes = DEFAULT_BODY_CAP_BYTES): Promise<CappedBody> {
  const body = response.body;
  if (!body) return { text: '', truncated: false, bytes: 0 };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - bytes;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, room));
        bytes += room;
        truncated = true;
        break;
      }
      chunks.push(value);
      bytes += value.byteLength;
    }
  } finally {
    if (truncated) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  const all = new Uint8Array(bytes);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  // A multi-byte character cut at the cap decodes as U+FFFD at the very end; drop it.
  const text = new TextDecoder('utf-8').decode(all);
  return { text: truncated ? text.replace(/\uFFFD$/, '') : text, truncated, bytes };
}
