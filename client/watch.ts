// Live progress for `deploy --wait` and `status --watch`: a redrawn phase list on a TTY,
// one line (or one JSON object) per change elsewhere.
import type { DeploymentStatus } from '../workflows/types.js';
import { followDeployment, type DeploymentHandle } from './deployment-handle.js';
import { changeKey, renderChangeLine, renderPhaseList } from './render.js';

export interface WatchOptions {
  json: boolean;
  out?: NodeJS.WriteStream;
}

export async function watchDeployment(handle: DeploymentHandle, options: WatchOptions): Promise<DeploymentStatus> {
  const out = options.out ?? process.stdout;
  const redraw = out.isTTY === true && !options.json;
  let lastKey = '';
  let drawnLines = 0;
  let tick = 0;
  const onStatus = (status: DeploymentStatus) => {
    if (redraw) {
      const text = renderPhaseList(status, tick++);
      // Move up over the previous frame and clear it: no full-screen takeover, scrollback kept.
      if (drawnLines > 0) out.write(`\x1b[${drawnLines}A\x1b[0J`);
      out.write(`${text}\n`);
      drawnLines = text.split('\n').length;
      return;
    }
    const key = changeKey(status);
    if (key === lastKey) return;
    lastKey = key;
    out.write(`${options.json ? JSON.stringify(status) : renderChangeLine(status)}\n`);
  };
  return followDeployment(handle, onStatus, redraw ? 250 : 500);
}
