// The doctor's aliases check: the aliases file is valid and each version it names exists in the
// store and verifies (what `freshet models validate` and validate-aliases.yml check).
import { namedVersions } from '../registry/aliases.ts';
import { readAliasesFile } from '../registry/aliases-file.ts';
import { InvalidDocumentError } from '../registry/errors.ts';
import type { RegistryStore } from '../registry/store.ts';
import { aliasesProblemsInStore } from '../registry/validate.ts';
import type { CheckOutcome } from './doctor.ts';

/**
 * Every problem of the aliases file `file` against `store`, joined on one line.
 *
 * @example await aliasesOutcome('models/aliases.json', store) // { status: 'ok', message: '… 2 versions …' }
 */
export async function aliasesOutcome(
  file: string,
  store: RegistryStore,
): Promise<Omit<CheckOutcome, 'check'>> {
  let problems: readonly string[];
  let named = 0;
  try {
    const aliases = await readAliasesFile(file);
    named = namedVersions(aliases).length;
    problems = await aliasesProblemsInStore(store, aliases);
  } catch (error) {
    if (!(error instanceof InvalidDocumentError)) throw error;
    problems = error.problems;
  }
  if (problems.length > 0) {
    return {
      status: 'problem',
      message: `${file}: ${problems.join('; ')}: point each alias at a published version (freshet models list) or remove it`,
    };
  }
  return {
    status: 'ok',
    message: `${file}: ${named} version${named === 1 ? '' : 's'} named, each exists in ${store.location} and verifies`,
  };
}
