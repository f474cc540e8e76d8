// What can be known of a plan before starting it (the active color, the target's branch head),
// read-only, for `deploy --dry-run` and the start of a deployment or a train.
import { probeColor } from '../activities/http-probe.js';
import { createGitHubClient, githubAuthFromEnv } from '../activities/octokit.js';
import { otherColor, type Color, type DeploymentPlan } from '../contract/types.js';

export interface Preview {
  activeColor?: Color;
  targetColor?: Color;
  sha?: string;
  notes: string[];
}

/** What can be known before starting: read-only, and tolerant of what the operator cannot reach. */
export async function previewPlan(plan: DeploymentPlan): Promise<Preview> {
  const notes: string[] = [];
  const preview: Preview = { notes };
  const color = await probeColor(plan.publicUrl + plan.colorPath, 5000);
  if (color.ok) preview.activeColor = color.value;
  else notes.push(`active color unknown (${plan.publicUrl}${plan.colorPath}: ${color.reason}); the workflow reads it again`);
  const target = plan.requestedColor ?? (preview.activeColor ? otherColor(preview.activeColor) : undefined);
  if (target) preview.targetColor = target;
  if (target) {
    try {
      const octokit = createGitHubClient({
        auth: githubAuthFromEnv(),
        ...(plan.github.baseUrl ? { baseUrl: plan.github.baseUrl } : {}),
        retries: 0,
      });
      const branch = plan.environments[target].branch;
      const { data } = await octokit.rest.repos.getBranch({ owner: plan.github.owner, repo: plan.github.repo, branch });
      preview.sha = data.commit.sha;
    } catch (err) {
      notes.push(`branch head not read here (${(err as Error).message.split('\n')[0]}); the worker reads it`);
    }
  }
  return preview;
}
