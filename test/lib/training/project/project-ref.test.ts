import { describe, expect, it } from 'vitest';
import {
  formatProjectRef,
  parseProjectRef,
} from '../../../../actions/lib/training/project/project-ref.ts';
import { usageError } from '../helpers.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('parseProjectRef', () => {
  it.each([
    'training/ozone-forest',
    './training/ozone-forest',
    '../elsewhere/p',
    '/abs/path@with-at',
    '.',
  ])('reads %j as a local folder', (text) => {
    expect(parseProjectRef(text)).toEqual({ kind: 'local', path: text });
  });

  it('reads owner/repo/path@sha and owner/repo@sha, normalising the sha to lower case', () => {
    expect(parseProjectRef(`acme/models/training/ozone@${SHA.toUpperCase()}`)).toEqual({
      kind: 'remote',
      owner: 'acme',
      repo: 'models',
      path: 'training/ozone',
      commit: SHA,
    });
    const root = parseProjectRef(`acme/models.py@${SHA}`);
    expect(root).toEqual({
      kind: 'remote',
      owner: 'acme',
      repo: 'models.py',
      path: '',
      commit: SHA,
    });
    expect(formatProjectRef(root)).toBe(`acme/models.py@${SHA}`);
    expect(formatProjectRef(parseProjectRef(`a/b/c/d@${SHA}`))).toBe(`a/b/c/d@${SHA}`);
  });

  it.each([
    ['', /is empty/],
    ['   ', /is empty/],
    [
      'acme/models/p@main',
      /not pinned to a commit: after @ give the full 40-hex commit sha, not "main"/,
    ],
    ['acme/models/p@0123abc', /not pinned to a commit/],
    [`acme@${SHA}`, /does not start with owner\/repo/],
    [`-acme/models@${SHA}`, /does not start with owner\/repo/],
    [`acme/models/../secrets@${SHA}`, /unusable path/],
    [`acme/models//p@${SHA}`, /unusable path/],
    [`acme/models/a@b@${SHA}`, /unusable path/],
    [
      `https://github.com/acme/models@${SHA}`,
      /is a URL: write owner\/repo\/path@<40-hex commit sha>/,
    ],
    ['git@github.com:acme/models.git', /is a URL/],
    ['training/p\nrm -rf', /control characters/],
  ])('refuses %j', (text, message) => {
    expect(usageError(() => parseProjectRef(text)).message).toMatch(message);
  });
});
