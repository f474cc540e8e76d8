#!/usr/bin/env node
// The `bluegreen` command. The installed package runs its built JavaScript (dist/, made by
// `npm run build`); a checkout, where the TypeScript sources sit beside this file, runs them
// through tsx (a dev dependency), so a stale dist/ there never runs in place of the code.
import { existsSync } from 'node:fs';

const sources = new URL('../client/main.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import('../dist/client/main.js');
}
