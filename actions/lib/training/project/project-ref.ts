// Where a training project lives: a folder here, or a folder of another repository at a pinned commit.
import { UsageError } from '../../errors.ts';

/** A project in a local folder, or in another GitHub repository at a full commit sha. */
export type ProjectRef =
  | { readonly kind: 'local'; readonly path: string }
  | {
      readonly kind: 'remote';
      readonly owner: string;
      readonly repo: string;
      /** Folder inside the repository, `''` for its root; `/`-separated, no `.` or `..`. */
      readonly path: string;
      /** 40 lower-case hex digits. */
      readonly commit: string;
    };

const REMOTE_FORM = 'owner/repo/path@<40-hex commit sha>';
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const SHA = /^[0-9a-fA-F]{40}$/;
const SEGMENT = /^[^\\:*?"<>|\s]+$/;

/**
 * Reads a project reference:
 * - a local folder: a path starting with `/`, `./` or `../` (or `.`), or any path without `@`
 *   (`training/ozone-forest`);
 * - another repository: `owner/repo/path@sha` or `owner/repo@sha` (its root), pinned to a full
 *   commit sha — a branch or tag can move, and code run from another repository must be exactly
 *   the code someone reviewed.
 *
 * @throws UsageError for anything else (empty, URLs, short shas, branch names, `..` in a path)
 * @example
 * parseProjectRef('training/ozone-forest') // { kind: 'local', path: 'training/ozone-forest' }
 * parseProjectRef('acme/models/ozone@0123456789abcdef0123456789abcdef01234567')
 * // { kind: 'remote', owner: 'acme', repo: 'models', path: 'ozone', commit: '0123…4567' }
 */
export function parseProjectRef(text: string): ProjectRef {
  const ref = text.trim();
  const shown = JSON.stringify(text);
  if (ref === '')
    throw new UsageError(`the project reference is empty: give a folder or ${REMOTE_FORM}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f]/.test(ref)) {
    throw new UsageError(`the project reference ${shown} contains control characters`);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || ref.startsWith('git@')) {
    throw new UsageError(
      `the project reference ${shown} is a URL: write ${REMOTE_FORM}, e.g. acme/models/ozone@0123456789abcdef0123456789abcdef01234567`,
    );
  }
  const local = ref === '.' || ref.startsWith('/') || ref.startsWith('./') || ref.startsWith('../');
  if (local || !ref.includes('@')) return { kind: 'local', path: ref };

  const at = ref.lastIndexOf('@');
  const where = ref.slice(0, at);
  const commit = ref.slice(at + 1);
  const problems: string[] = [];
  if (!SHA.test(commit)) {
    problems.push(
      `the project reference ${shown} is not pinned to a commit: after @ give the full 40-hex commit sha, not ${JSON.stringify(commit)} (a branch, tag or short sha can change)`,
    );
  }
  const [owner = '', repo = '', ...segments] = where.split('/');
  if (!OWNER.test(owner) || !REPO.test(repo) || repo === '.' || repo === '..') {
    problems.push(
      `the project reference ${shown} does not start with owner/repo: write ${REMOTE_FORM}`,
    );
  }
  if (
    where.includes('@') ||
    segments.some((s) => s === '' || s === '.' || s === '..' || !SEGMENT.test(s))
  ) {
    problems.push(
      `the project reference ${shown} has an unusable path: use folder names separated by single /, without . or ..`,
    );
  }
  if (problems.length > 0) throw new UsageError(problems);
  return { kind: 'remote', owner, repo, path: segments.join('/'), commit: commit.toLowerCase() };
}

/** A reference as text again (`owner/repo/path@sha`, or the local path). */
export function formatProjectRef(ref: ProjectRef): string {
  if (ref.kind === 'local') return ref.path;
  return `${ref.owner}/${ref.repo}${ref.path === '' ? '' : `/${ref.path}`}@${ref.commit}`;
}
