import { createGitHubClient, type GitHubClient } from '../../../actions/lib/github/client.ts';
import { silentLogger } from '../../../actions/lib/util/logger.ts';

/**
 * The GitHub client as the shells make it, for a local server: no retries (a test's one canned
 * failure must reach the caller) and no spacing of writes.
 */
export function testClient(apiUrl: string, token: string): GitHubClient {
  return createGitHubClient({
    token,
    apiUrl,
    logger: silentLogger,
    retries: 0,
    waitUnitMs: 1,
    writeSpacingMs: 0,
    contentSpacingMs: 0,
  });
}
