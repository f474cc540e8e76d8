// verify and monitor run their checks through the analysis seam (verifyChecks, monitorChecks);
// deployments whose history predates it keep the activities they scheduled (verifyEnvironment,
// monitorPublicEndpoint). One patch id for both phases: one marker per deployment.
import { hasPatch } from './patches.js';

export const usesAnalysisChecks = (): boolean => hasPatch('analysis-checks');
