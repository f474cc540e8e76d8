// Files shipped beside the code (examples/, schema/): found from the nearest package.json above
// this module, the package root both in a checkout (client/) and when built (dist/client/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  for (let dir = new URL('../', import.meta.url); ; dir = new URL('../', dir)) {
    if (existsSync(new URL('package.json', dir))) return fileURLToPath(dir);
    if (dir.pathname === '/') throw new Error('cannot find the bluegreen package root (no package.json above the code)');
  }
}
