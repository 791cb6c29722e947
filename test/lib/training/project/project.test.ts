import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../../../actions/lib/training/project/load-project.ts';
import { resolveParameters } from '../../../../actions/lib/training/project/parameters.ts';
import {
  getEntryPoint,
  parseProject,
  renderCommand,
} from '../../../../actions/lib/training/project/project.ts';
import { rejectsWithUsageError, usageError } from '../helpers.ts';

const PROJECT = `
name: ozone-forest
entry_points:
  main:
    parameters:
      n_estimators: {type: int, default: 100}
      max_depth: int
      note: {type: string, default: "plain"}
    command: node train.ts --trees {n_estimators} --depth {max_depth} --note {note} --out "\${FRESHET_OUTPUT_DIR}"
  evaluate:
    command: node evaluate.ts
data:
  variable: o3
  station: "34.83775,-118.1234"
  window: P365D
features:
  version: 1
  target: o3
  horizon: 1
  lags: [0, 1, 2, 3, 6, 12, 24]
  calendar: [hour, dayofyear]
  others:
    - {variable: no2, lags: [0, 1]}
`;

describe('parseProject', () => {
  it('reads name, entry points with typed parameters, data defaults and features', () => {
    const project = parseProject(PROJECT);
    expect(project.name).toBe('ozone-forest');
    expect(Object.keys(project.entryPoints)).toEqual(['main', 'evaluate']);
    const main = getEntryPoint(project);
    expect(main.parameters).toEqual({
      n_estimators: { type: 'int', default: 100 },
      max_depth: { type: 'int' },
      note: { type: 'string', default: 'plain' },
    });
    expect(main.template.parameters).toEqual(['n_estimators', 'max_depth', 'note']);
    expect(project.data).toEqual({
      variable: 'o3',
      station: { kind: 'coordinates', lat: 34.83775, lng: -118.1234 },
      window: 'P365D',
    });
    expect(project.features?.others).toEqual([{ variable: 'no2', lags: [0, 1] }]);
    expect(getEntryPoint(project, 'evaluate').parameters).toEqual({});
  });

  it('accepts a project with neither data nor features, and a station given as an id', () => {
    const project = parseProject(
      'name: p\nentry_points: {main: {command: "true"}}\ndata: {station: 12}\n',
    );
    expect(project.data).toEqual({ station: { kind: 'id', id: 12 } });
    expect(project.features).toBeUndefined();
  });

  it('collects every problem, each prefixed with the file', () => {
    const text = `
name: "bad name!"
conda_env: conda.yaml
tracking: yes
entry_points:
  main:
    parameters:
      n: {type: int, default: "100"}
      9lives: float
    command: run {n} {missing} {{not_a_placeholder}}
    args: []
  "bad/name":
    command: ""
data:
  variable: O3
  station: "north pole"
  window: P1M
  since: 2014
features:
  version: 1
  target: o3
  horizon: 0
`;
    expect(usageError(() => parseProject(text, 'p/freshet-project.yml')).problems).toEqual([
      'p/freshet-project.yml: conda_env is not supported: install dependencies in the command or the workflow instead',
      'p/freshet-project.yml: tracking is not a project setting: use name, entry_points, data, features',
      'p/freshet-project.yml: name must be the experiment name: letters, digits, ., _ and -, at most 64 characters, starting with a letter or digit (e.g. ozone-forest), got "bad name!"',
      'p/freshet-project.yml: entry_points.main.args is not an entry point setting: use parameters, command',
      'p/freshet-project.yml: entry_points.main.parameters.n.default must be a whole number such as 100 (type int), got "100"',
      'p/freshet-project.yml: entry_points.main.parameters.9lives: a parameter name uses letters, digits and _ and does not start with a digit (it is a {placeholder})',
      'p/freshet-project.yml: entry_points.main.command uses {missing}, which is not a parameter: declare it, or use one of {n}, {9lives} (write {{ and }} for literal braces)',
      'p/freshet-project.yml: entry_points.bad/name: an entry point name uses letters, digits, _, . and - (e.g. main, evaluate)',
      'p/freshet-project.yml: entry_points.bad/name.command must be the shell command to run, e.g. "python train.py --trees {n_trees}", got ""',
      'p/freshet-project.yml: data.since is not a data setting: use variable, station, window',
      'p/freshet-project.yml: data.variable must be a variable name such as o3 or pm2p5 (lower-case letters and digits), got "O3"',
      'p/freshet-project.yml: data.station "north pole" is not a station: use a station id such as 12, or LAT,LNG such as 34.8378,-118.1234',
      'p/freshet-project.yml: data.window P1M uses years or months, which have no fixed length: use days, e.g. P365D',
      'p/freshet-project.yml: features.horizon must be a whole number of hours ahead from 1 to 8784, got 0',
    ]);
  });

  it('refuses features whose target is not the data variable', () => {
    const text =
      'name: p\nentry_points: {main: {command: x}}\ndata: {variable: no2}\nfeatures: {version: 1, target: o3, horizon: 1, lags: [0]}\n';
    expect(usageError(() => parseProject(text)).problems).toEqual([
      'freshet-project.yml: features.target o3 is not data.variable no2: the training table holds data.variable, so make them the same',
    ]);
  });

  it('reports YAML errors with their line, and duplicate keys', () => {
    expect(usageError(() => parseProject('name: a\nname: b\n')).problems).toEqual([
      'freshet-project.yml: YAML: Map keys must be unique at line 2, column 1',
    ]);
    expect(usageError(() => parseProject('')).problems).toEqual([
      'freshet-project.yml: the file must be a mapping with name and entry_points (and optionally data, features), got null',
    ]);
    expect(usageError(() => parseProject('name: p\nentry_points: {}\n')).problems).toEqual([
      'freshet-project.yml: entry_points must map at least one name (usually main) to { command, parameters }, got {}',
    ]);
  });

  it('names the entry points there are when asked for another', () => {
    expect(usageError(() => getEntryPoint(parseProject(PROJECT), 'train')).message).toBe(
      'project ozone-forest has no entry point train: use one of main, evaluate',
    );
  });
});

describe('renderCommand', () => {
  it('substitutes resolved parameters, every value shell-quoted, leaving shell expansions alone', () => {
    const main = getEntryPoint(parseProject(PROJECT));
    const params = resolveParameters(main, { max_depth: '8', note: `it's $(rm -rf /) and\nmore` });
    expect(renderCommand(main, params)).toBe(
      `node train.ts --trees '100' --depth '8' --note 'it'\\''s $(rm -rf /) and\nmore' --out "\${FRESHET_OUTPUT_DIR}"`,
    );
  });

  it('refuses to render with a placeholder left without a value', () => {
    const main = getEntryPoint(parseProject(PROJECT));
    expect(usageError(() => renderCommand(main, { n_estimators: 1 })).problems).toEqual([
      'the command of entry point main needs a value for {max_depth}',
      'the command of entry point main needs a value for {note}',
    ]);
  });
});

describe('loadProject', () => {
  it('reads freshet-project.yml from a folder, and says when there is none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'freshet-project-'));
    try {
      const missing = await rejectsWithUsageError(loadProject(dir));
      expect(missing.message).toBe(
        `${dir} is not a training project: it has no freshet-project.yml`,
      );
      await writeFile(join(dir, 'freshet-project.yml'), PROJECT);
      expect((await loadProject(dir)).name).toBe('ozone-forest');
      await writeFile(join(dir, 'freshet-project.yml'), 'name: 3\n');
      const invalid = await rejectsWithUsageError(loadProject(dir));
      expect(invalid.problems[0]).toMatch(new RegExp(`^${dir}/freshet-project.yml: name must be`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
