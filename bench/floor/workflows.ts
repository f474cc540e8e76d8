// The bench floor's workflow: the bare Temporal cost of a deployment's shape. It replays, turn by
// turn, what a bluegreen deployment's history shows its workflow tasks command (so many
// activities, so many search-attribute upserts), with activities that do nothing. What a
// bluegreen deployment takes beyond this is bluegreen's own: its activities' work, its waits,
// its workflow code (BENCHMARKS.md sections 1 and 6 report their figures as ratios to it).
import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import { BlueGreenPhase } from '../../contract/search-attributes.js';
import type { FloorActivities, FloorShape } from './shape.js';

const { noop } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 1 },
});

export async function floorWorkflow(shape: FloorShape): Promise<number> {
  let activities = 0;
  for (const [turn, step] of shape.steps.entries()) {
    for (let i = 0; i < step.upserts; i++) upsertSearchAttributes([{ key: BlueGreenPhase, value: `floor-${turn}-${i}` }]);
    await Promise.all(Array.from({ length: step.activities }, () => noop()));
    activities += step.activities;
  }
  return activities;
}
