// The small pieces every action's main.ts uses: failure messages, masking, the run's address.
import { describe, expect, it } from 'vitest';
import { DatabaseError, UsageError } from '../../../actions/lib/errors.ts';
import { ActionInputs } from '../../../actions/lib/github/action-inputs.ts';
import { actionsLogger } from '../../../actions/lib/github/actions-logger.ts';
import { failureMessage } from '../../../actions/lib/github/failure-message.ts';
import { databaseUrlSecrets } from '../../../actions/lib/github/secrets.ts';
import { parseRepository, workflowRunUrl } from '../../../actions/lib/github/workflow-run.ts';
import { DATABASE_URL } from '../../../actions/lib/settings/common.ts';

describe('failureMessage', () => {
  it('lists every problem of a UsageError', () => {
    expect(failureMessage(new UsageError(['first', 'second']))).toBe(
      "The action's inputs need fixing:\n- first\n- second",
    );
  });

  it('follows the cause of any other error', () => {
    const error = new DatabaseError('could not load', { cause: new Error('connection refused') });
    expect(failureMessage(error)).toBe('could not load: connection refused');
  });
});

describe('databaseUrlSecrets', () => {
  it('masks the URL and its password, as written and decoded', () => {
    expect(databaseUrlSecrets('postgres://u:p%40ss@db.example:5432/toar')).toEqual([
      'postgres://u:p%40ss@db.example:5432/toar',
      'p%40ss',
      'p@ss',
    ]);
  });

  it('masks a URL without password, or one that does not parse, whole', () => {
    expect(databaseUrlSecrets('postgres://db/toar')).toEqual(['postgres://db/toar']);
    expect(databaseUrlSecrets('not a url')).toEqual(['not a url']);
    expect(databaseUrlSecrets('')).toEqual([]);
  });
});

describe('the database-url input', () => {
  it('says how to set the secret when it is empty', () => {
    const inputs = new ActionInputs(() => '');
    expect(inputs.read(DATABASE_URL)).toBeUndefined();
    expect(inputs.problems[0]).toContain('secrets.DATABASE_URL');
  });

  it('refuses another scheme without quoting the value', () => {
    const inputs = new ActionInputs(() => 'mysql://u:hunter2@h/db');
    expect(inputs.read(DATABASE_URL)).toBeUndefined();
    expect(inputs.problems.join('\n')).not.toContain('hunter2');
  });

  it('accepts postgres:// and postgresql://', () => {
    for (const url of ['postgres://h/db', 'postgresql://u:p@h:5432/db?sslmode=require']) {
      expect(new ActionInputs(() => url).read(DATABASE_URL)).toBe(url);
    }
  });
});

describe('workflowRunUrl', () => {
  it("is the run attempt's page", () => {
    expect(
      workflowRunUrl({
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'octo-org/freshet',
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '2',
      }),
    ).toBe('https://github.com/octo-org/freshet/actions/runs/42/attempts/2');
  });

  it('is undefined outside Actions', () => {
    expect(workflowRunUrl({})).toBeUndefined();
  });
});

describe('parseRepository', () => {
  it('reads owner/repo', () => {
    expect(parseRepository('octo-org/freshet.data')).toEqual({
      owner: 'octo-org',
      repo: 'freshet.data',
    });
  });

  it.each(['', 'freshet', 'a/b/c', 'octo/..'])('refuses %j', (text) => {
    expect(parseRepository(text)).toBeUndefined();
  });
});

describe('actionsLogger', () => {
  it('writes warnings and errors as log lines, leaving annotations to the action', () => {
    const lines: string[] = [];
    const logger = actionsLogger({ info: (m) => lines.push(m) });
    logger.info('a');
    logger.warn('b');
    logger.error('c');
    expect(lines).toEqual(['a', 'warning: b', 'error: c']);
  });
});
