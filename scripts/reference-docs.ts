import path from 'node:path';
import * as prettier from 'prettier';
import { renderConfigurationReference, renderEnvExample } from '../src/config/config-reference';
import { projectRoot } from '../src/db/migrator';
import { renderErrorReference } from '../src/errors/error-reference';

/** A file generated from the code, by its path from the project root. */
export interface ReferenceDoc {
  file: string;
  render: () => string;
}

/** Every generated file; a test fails when a committed one differs from what this renders. */
export const REFERENCE_DOCS: readonly ReferenceDoc[] = [
  { file: 'docs/reference/errors.md', render: renderErrorReference },
  { file: 'docs/reference/configuration.md', render: renderConfigurationReference },
  { file: '.env.example', render: renderEnvExample },
];

// projectRoot, not `..`: the tests run this file compiled into build/scripts/.
export const absolutePath = (doc: ReferenceDoc): string => path.join(projectRoot(__dirname), doc.file);

/** The file as it must be committed: rendered, then formatted as `prettier --check` expects (if it checks it). */
export async function formattedReferenceDoc(doc: ReferenceDoc): Promise<string> {
  const { inferredParser } = await prettier.getFileInfo(absolutePath(doc));
  if (inferredParser === null) return doc.render();
  const options = await prettier.resolveConfig(absolutePath(doc));
  return prettier.format(doc.render(), { ...options, filepath: absolutePath(doc) });
}
