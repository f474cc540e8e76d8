// verify and monitor run their checks through the analysis seam (verifyChecks, monitorChecks);
// deployments whose history predates it keep the activities they scheduled (verifyEnvironment,
// monitorPublicEndpoint). One patch id for both phases: one marker per deployment.
import { patched } from '@temporalio/workflow';

export const usesAnalysisChecks = (): boolean => patched('analysis-checks');
