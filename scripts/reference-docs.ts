import path from 'node:path';
import * as prettier from 'prettier';
import { projectRoot } from '../src/db/migrator';
import { renderErrorReference } from '../src/errors/error-reference';

/** A page generated from the code, by its path from the project root. */
export interface ReferenceDoc {
  file: string;
  render: () => string;
}

/** Every generated page; a test fails when a committed one differs from what this renders. */
export const REFERENCE_DOCS: readonly ReferenceDoc[] = [
  { file: 'docs/reference/errors.md', render: renderErrorReference },
];

// projectRoot, not `..`: the tests run this file compiled into build/scripts/.
export const absolutePath = (doc: ReferenceDoc): string => path.join(projectRoot(__dirname), doc.file);

/** The page as it must be committed: rendered, then formatted as `prettier --check` expects. */
export async function formattedReferenceDoc(doc: ReferenceDoc): Promise<string> {
  const options = await prettier.resolveConfig(absolutePath(doc));
  return prettier.format(doc.render(), { ...options, filepath: absolutePath(doc) });
}
