/** Rewrites the ContractExamples static resource after an apex-*.json example changed: `npx tsx scripts/package/write-contract-examples.ts`. */
import { writeFileSync } from 'node:fs';
import { staticResourceContent, staticResourcePath } from './contract-examples.js';

writeFileSync(staticResourcePath, staticResourceContent());
console.log(`wrote ${staticResourcePath}`);
