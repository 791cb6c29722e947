// Every action's action.yml: the node24 runtime, its bundle, documented inputs and outputs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DOCTOR_OUTPUTS } from '../../actions/doctor/main.ts';
import { ingestOutputs } from '../../actions/ingest/main.ts';
import { emptyIngestReport } from '../../actions/lib/ingest/ingest-range.ts';
import { actionSettings } from '../../actions/lib/settings/catalog.ts';
import { actionYamlEntry } from '../../actions/lib/settings/setting.ts';
import { PUBLISH_OUTPUTS } from '../../actions/publish/main.ts';
import { TRAIN_OUTPUTS } from '../../actions/train/main.ts';
import { ACTIONS } from '../../scripts/build-actions.ts';

interface ActionMetadata {
  name?: string;
  description?: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
  runs?: { using?: string; main?: string };
}

const actionDirs = readdirSync('actions', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join('actions', d.name, 'action.yml')))
  .map((d) => d.name)
  .sort();

function metadata(action: string): ActionMetadata {
  return parse(readFileSync(join('actions', action, 'action.yml'), 'utf8')) as ActionMetadata;
}

/** Text with its line breaks and runs of spaces as single spaces (YAML folds them so). */
function oneLine(text: string | undefined): string | undefined {
  return text?.replace(/\s+/g, ' ').trim();
}

/** The outputs each action's run() writes (the action tests check the values). */
const WRITTEN_OUTPUTS: Record<string, string[]> = {
  plan: ['count', 'matrix'],
  ingest: Object.keys(ingestOutputs(emptyIngestReport())).sort(),
  report: ['action', 'issue-number', 'url'],
  train: [...TRAIN_OUTPUTS].sort(),
  publish: [...PUBLISH_OUTPUTS].sort(),
  doctor: [...DOCTOR_OUTPUTS].sort(),
};

describe('the bundler lists every action', () => {
  it('that has an action.yml and a main.ts', () => {
    const withMain = actionDirs.filter((a) => existsSync(join('actions', a, 'main.ts')));
    expect([...ACTIONS].sort()).toEqual(withMain);
  });
});

describe.each(ACTIONS)('actions/%s/action.yml', (action) => {
  const meta = metadata(action);

  it('runs its committed bundle on node24', () => {
    expect(meta.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(existsSync(join('actions', action, 'dist', 'index.js'))).toBe(true);
  });

  it('has a name and a description', () => {
    expect(meta.name).toMatch(/\S/);
    expect(meta.description).toMatch(/\S/);
  });

  it('documents every input, says whether it is required, and defaults only optional ones', () => {
    for (const [name, input] of Object.entries(meta.inputs ?? {})) {
      expect(input.description, name).toMatch(/\S{3}/);
      expect(typeof input.required, name).toBe('boolean');
      if (input.required) expect(input.default, name).toBeUndefined();
    }
  });

  it('documents exactly the inputs its settings describe, with their description, default and requirement', () => {
    const settings = Object.values(actionSettings(action) ?? {});
    const described = Object.fromEntries(
      settings.flatMap((setting) => {
        const entry = actionYamlEntry(setting);
        return setting.action === undefined || entry === undefined
          ? []
          : [[setting.action.input, entry] as const];
      }),
    );
    const inputs = meta.inputs ?? {};
    expect(Object.keys(inputs)).toEqual(Object.keys(described));
    for (const [name, input] of Object.entries(inputs)) {
      const entry = described[name];
      expect(
        {
          description: oneLine(input.description),
          required: input.required,
          default: input.default,
        },
        `action.yml's input ${name} says what actions/lib/settings/ says (change both)`,
      ).toEqual({ ...entry, description: oneLine(entry?.description) });
    }
  });

  it('documents exactly the outputs its run() writes', () => {
    const outputs = meta.outputs ?? {};
    expect(Object.keys(outputs).sort()).toEqual(WRITTEN_OUTPUTS[action]);
    for (const [name, output] of Object.entries(outputs)) {
      expect(output.description, name).toMatch(/\S{3}/);
    }
  });

  it('exports run() from a main.ts without side effects', async () => {
    const module = (await import(`../../actions/${action}/main.ts`)) as { run?: unknown };
    expect(typeof module.run).toBe('function');
  });
});
