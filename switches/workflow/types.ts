// The plan of the `workflow` switch: a GitHub Actions workflow moves traffic (e.g. updates DNS).
import type { TrafficStepsPlan } from '../steps.js';

export interface WorkflowSwitchPlan extends TrafficStepsPlan {
  type: 'workflow';
  /** Workflow file dispatched with the `color` input, e.g. dns-update.yml */
  workflow: string;
  ref: string;
  verifyTimeoutMs: number;
}

// This type's plan in the contract's DeploymentPlan (switches/registry.ts checks the two agree).
declare module '../../contract/plugin-plans.js' {
  interface SwitchPlans {
    workflow: WorkflowSwitchPlan;
  }
}
