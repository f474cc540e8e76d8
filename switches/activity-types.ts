// The activity contracts of every switch type, for the workflow's activity proxies (types only).
import type { DnsSwitchActivities } from './dns/types.js';
import type { HttpSwitchActivities } from './http/types.js';

export interface SwitchActivities extends HttpSwitchActivities, DnsSwitchActivities {}
