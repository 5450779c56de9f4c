/**
 * Writes the files generated from the code (docs/reference/*.md, .env.example), formatted by Prettier.
 * Usage: `npm run docs:generate`, after changing what they come from (src/errors/catalogue.ts, src/config/*.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { absolutePath, formattedReferenceDoc, REFERENCE_DOCS } from './reference-docs';

async function main(): Promise<void> {
  for (const doc of REFERENCE_DOCS) {
    await mkdir(path.dirname(absolutePath(doc)), { recursive: true });
    await writeFile(absolutePath(doc), await formattedReferenceDoc(doc));
    process.stdout.write(`wrote ${doc.file}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
