// The plan and activity contract of the `http` switch: an app router's HTTP endpoint.
import type { Color } from '../../workflows/types.js';

export interface HttpSwitchPlan {
  type: 'http';
  url: string;
  /** Name of the worker environment variable holding the router's bearer token. */
  tokenEnv: string;
  verifyTimeoutMs: number;
}

export interface HttpSwitchInput {
  url: string;
  /** Name of the worker environment variable holding the bearer token. */
  tokenEnv: string;
  color: Color;
}
