// The one error of the codec's keys and its remote server, in a module of its own so the local
// and the remote codec both throw it without importing each other.

/** A key or the environment it came from is unusable; the message says which variable. */
export class CodecKeyError extends Error {
  override name = 'CodecKeyError';
}
