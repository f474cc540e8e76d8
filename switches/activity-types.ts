// The activity contracts of every switch type, for the workflow's activity proxies (types only):
// whatever switches/activities.ts registers.
import type { createSwitchTypeActivities } from './activities.js';

export type SwitchActivities = ReturnType<typeof createSwitchTypeActivities>;
