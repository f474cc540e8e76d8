// Writes schema/bluegreen.schema.json from the zod config schema (test/config-json-schema.test.ts
// fails when it is out of date): `npx tsx scripts/generate-schema.ts`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_SCHEMA_FILE, configJsonSchemaText } from '../client/config-json-schema.js';
import { packageRoot } from '../client/package-root.js';

const target = join(packageRoot(), CONFIG_SCHEMA_FILE);
writeFileSync(target, configJsonSchemaText());
console.log(`wrote ${target}`);
