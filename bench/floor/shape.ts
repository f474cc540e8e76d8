// A deployment's shape, read from its workflow history: per workflow task, how many activities
// and search-attribute upserts it commanded. The floor workflow (./workflows.ts) replays it.
import type { temporal } from '@temporalio/proto';

export interface FloorStep {
  activities: number;
  upserts: number;
}

export interface FloorShape {
  steps: FloorStep[];
}

export interface FloorActivities {
  noop(): Promise<void>;
}

export function shapeOf(events: temporal.api.history.v1.IHistoryEvent[]): FloorShape {
  const steps: FloorStep[] = [];
  let current: FloorStep | undefined;
  for (const event of events) {
    if (event.workflowTaskCompletedEventAttributes) {
      current = { activities: 0, upserts: 0 };
      steps.push(current);
    } else if (current && event.activityTaskScheduledEventAttributes) current.activities++;
    else if (current && event.upsertWorkflowSearchAttributesEventAttributes) current.upserts++;
  }
  return { steps: steps.filter((s) => s.activities + s.upserts > 0) };
}

export const totals = (shape: FloorShape) => ({
  activities: shape.steps.reduce((sum, s) => sum + s.activities, 0),
  upserts: shape.steps.reduce((sum, s) => sum + s.upserts, 0),
});
