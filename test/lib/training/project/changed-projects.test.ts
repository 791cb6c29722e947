import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changedProjects,
  DEFAULT_TRAIN_PROJECTS,
  gitChangedFiles,
  listProjectFolders,
  PROJECT_FILE_NAME,
  parseProjectList,
  projectsToTrain,
} from '../../../../actions/lib/training/project/changed-projects.ts';
import { PROJECT_FILE } from '../../../../actions/lib/training/project/project.ts';
import { git as gitIn } from '../../../support/git.ts';
import { usageError } from '../helpers.ts';

const FOLDERS = ['training/ozone-forest', 'training/ozone-sklearn'];
const REMOTE = `acme/models/ozone@${'0123456789abcdef'.repeat(2)}01234567`;

describe('changedProjects', () => {
  it('names each project holding a changed file, once, sorted', () => {
    expect(
      changedProjects(
        [
          'training/ozone-sklearn/train.py',
          'training/ozone-forest/model.ts',
          'training/ozone-sklearn/requirements.txt',
        ],
        FOLDERS,
      ),
    ).toEqual(['training/ozone-forest', 'training/ozone-sklearn']);
  });

  it('ignores files outside every project, and folders that only share a prefix', () => {
    expect(
      changedProjects(
        ['training/README.md', 'training/ozone-forest-old/train.ts', 'actions/cli.ts'],
        FOLDERS,
      ),
    ).toEqual([]);
  });
});

describe('parseProjectList', () => {
  it('splits at commas, spaces and line breaks, dropping repeats', () => {
    expect(parseProjectList(` training/a,training/b\n${REMOTE}  training/a ,`)).toEqual([
      'training/a',
      'training/b',
      REMOTE,
    ]);
    expect(parseProjectList('  ')).toEqual([]);
  });
});

describe('projectsToTrain', () => {
  const base = { projectFolders: FOLDERS, changedFiles: [], configured: '', dispatched: '' };

  it('trains the projects a push changed', () => {
    expect(
      projectsToTrain({
        ...base,
        event: 'push',
        changedFiles: ['training/ozone-sklearn/train.py'],
      }),
    ).toEqual(['training/ozone-sklearn']);
    expect(projectsToTrain({ ...base, event: 'push', changedFiles: ['README.md'] })).toEqual([]);
  });

  it('trains every project when the push changes cannot be known (a new branch)', () => {
    expect(projectsToTrain({ ...base, event: 'push', changedFiles: undefined })).toEqual(FOLDERS);
  });

  it('trains the configured projects after an ingest or on a schedule, the example by default', () => {
    expect(
      projectsToTrain({ ...base, event: 'workflow_run', configured: `training/b ${REMOTE}` }),
    ).toEqual(['training/b', REMOTE]);
    expect(projectsToTrain({ ...base, event: 'schedule' })).toEqual([DEFAULT_TRAIN_PROJECTS]);
    expect(DEFAULT_TRAIN_PROJECTS).toBe('training/ozone-forest');
  });

  it('trains the one project a dispatch names, the example by default', () => {
    expect(projectsToTrain({ ...base, event: 'workflow_dispatch', dispatched: REMOTE })).toEqual([
      REMOTE,
    ]);
    expect(projectsToTrain({ ...base, event: 'workflow_dispatch' })).toEqual([
      'training/ozone-forest',
    ]);
  });

  it('refuses events train.yml does not train on', () => {
    expect(usageError(() => projectsToTrain({ ...base, event: 'pull_request' })).message).toBe(
      'train.yml does not train on "pull_request" events: it trains on push, workflow_run, schedule and workflow_dispatch',
    );
  });
});

describe('a git checkout', () => {
  let root: string;
  let first: string;
  let second: string;
  const git = (...args: string[]) => gitIn(root, ...args);
  const put = async (path: string, text: string) => {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'freshet-changed-'));
    git('init', '--quiet', '--initial-branch=main');
    await put(`training/a/${PROJECT_FILE_NAME}`, 'name: a\n');
    await put(`training/b/${PROJECT_FILE_NAME}`, 'name: b\n');
    await put('training/notes/README.md', 'not a project\n');
    await put('training/README.md', 'projects\n');
    git('add', '.');
    git('commit', '--quiet', '-m', 'first');
    first = git('rev-parse', 'HEAD');
    await put('training/b/train.py', 'print(1)\n');
    await put('training/README.md', 'projects, edited\n');
    git('add', '.');
    git('commit', '--quiet', '-m', 'second');
    second = git('rev-parse', 'HEAD');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('names the same project file as the project reader', () => {
    expect(PROJECT_FILE_NAME).toBe(PROJECT_FILE);
  });

  it('lists the folders under training/ holding a project file', async () => {
    expect(await listProjectFolders(root)).toEqual(['training/a', 'training/b']);
    expect(await listProjectFolders(join(root, 'training'))).toEqual([]);
  });

  it('lists the files changed between two commits', async () => {
    expect(await gitChangedFiles(root, first, second, process.env)).toEqual([
      'training/README.md',
      'training/b/train.py',
    ]);
  });

  it('knows no changes before the first commit of a branch, or before an unknown commit', async () => {
    expect(await gitChangedFiles(root, '0'.repeat(40), second, process.env)).toBeUndefined();
    expect(await gitChangedFiles(root, '', second, process.env)).toBeUndefined();
    expect(await gitChangedFiles(root, 'f'.repeat(40), second, process.env)).toBeUndefined();
  });
});
