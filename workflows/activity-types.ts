// Every activity a workflow may call, as the worker registers them (worker/activities.ts): the
// core's and each plug-in kind's, each declared where its code lives. Types only.
import type { ApprovalActivities } from '../activities/approval-types.js';
import type { CoreActivities } from '../activities/types.js';
import type { MetricActivities } from '../analysis/metric-activity-types.js';
import type { AnalysisActivities } from '../analysis/types.js';
import type { SwitchActivities } from '../switches/activity-types.js';

export interface BlueGreenActivities
  extends CoreActivities, SwitchActivities, AnalysisActivities, MetricActivities, ApprovalActivities {}
