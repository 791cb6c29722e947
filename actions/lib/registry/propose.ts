// Proposing a promotion on GitHub: plan it (validation, comparison with production), then open or
// update the pull request whose body shows both. The publish action and `freshet promote --pr`
// share it.
import type { GitHubClient } from '../github/client.ts';
import type { RepositoryRef } from '../github/workflow-run.ts';
import { withAlias } from './aliases.ts';
import { ALIASES_PATH } from './github-store.ts';
import { type PromotionPlan, planPromotion } from './promote.ts';
import { promotionBody, promotionTitle } from './promotion-body.ts';
import { openPromotionPullRequest, type PromotionPullRequest } from './promotion-pr.ts';
import type { RegistryStore } from './store.ts';

/**
 * Plans moving `name@alias` to `version` against the store, then opens (or updates) the pull
 * request on `promote/<name>` with `client` (which may hold another token than the store's).
 *
 * @throws UsageError when the version does not exist or does not verify; GitHubApiError
 * @example
 * const { plan, pullRequest } = await proposePromotion(store, client, repository, { name, version, alias: 'staging' }, { siteUrl });
 */
export async function proposePromotion(
  store: RegistryStore,
  client: GitHubClient,
  repository: RepositoryRef,
  target: { readonly name: string; readonly version: number; readonly alias: string },
  options: {
    /** The registry site's address: the body links to its compare page. */
    readonly siteUrl?: string | undefined;
  } = {},
): Promise<{ plan: PromotionPlan; pullRequest: PromotionPullRequest }> {
  const plan = await planPromotion(store, target);
  const title = promotionTitle(target.name, target.version, target.alias);
  const pullRequest = await openPromotionPullRequest(client, repository, {
    name: target.name,
    edit: (aliases) => withAlias(aliases, target.name, target.alias, target.version),
    title,
    body: promotionBody({
      candidate: plan.candidate,
      alias: target.alias,
      current: plan.current,
      compared: plan.compared,
      comparison: plan.comparison,
      validation: plan.validation,
      aliasesPath: ALIASES_PATH,
      siteUrl: options.siteUrl,
    }),
    commitMessage: title,
  });
  return { plan, pullRequest };
}
