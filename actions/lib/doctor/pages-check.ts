// The doctor's GitHub Pages check: site.yml deploys the registry site to Pages, which a new
// repository has off. GET /repos/{owner}/{repo}/pages answers 404 until it is enabled
// (docs.github.com/rest/pages/pages#get-a-apiname-pages-site).
import type { GitHubClient } from '../github/client.ts';
import { statusOf } from '../github/request-error.ts';
import type { RepositoryRef } from '../github/workflow-run.ts';
import type { CheckOutcome } from './doctor.ts';

/**
 * Whether Pages is enabled for the repository, and built by GitHub Actions.
 *
 * @example await pagesOutcome(client, { owner: 'octo', repo: 'freshet' }) // { status: 'ok', … }
 */
export async function pagesOutcome(
  client: GitHubClient,
  repository: RepositoryRef,
): Promise<Omit<CheckOutcome, 'check'>> {
  const name = `${repository.owner}/${repository.repo}`;
  const fix = `open https://github.com/${name}/settings/pages and choose Source: GitHub Actions`;
  try {
    const { data } = await client.request('GET /repos/{owner}/{repo}/pages', {
      owner: repository.owner,
      repo: repository.repo,
    });
    if (data.build_type === 'legacy') {
      return {
        status: 'problem',
        message: `GitHub Pages of ${name} builds from a branch, so site.yml's deployment is not what it serves: ${fix}`,
      };
    }
    return {
      status: 'ok',
      message: `GitHub Pages is enabled for ${name} (${data.html_url ?? ''})`,
    };
  } catch (error) {
    if (statusOf(error) === 404) {
      return { status: 'problem', message: `GitHub Pages is not enabled for ${name}: ${fix}` };
    }
    throw error;
  }
}
