import type { BenchContext, SectionResult } from './support/context.js';
export async function historySize(_ctx: BenchContext): Promise<SectionResult> {
  throw new Error('todo');
}
