// The bound every switch type shares: how long the workflow waits for the public endpoint to
// answer the new color after a switch. One definition, so `limits.maxVerifyTimeoutMs` means the
// same for every type.
import type { Bound } from '../contract/plugin.js';

export const maxVerifyTimeoutMs: Bound = {
  field: 'verifyTimeoutMs',
  limit: 'max',
  default: 2 * 3_600_000,
  what: 'how long the public endpoint may take to follow (ms)',
};
