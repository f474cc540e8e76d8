import type { BenchContext, SectionResult } from './support/context.js';
export async function reaction(_ctx: BenchContext): Promise<SectionResult> {
  throw new Error('todo');
}
