// What `freshet doctor` and the doctor action check, as one validated configuration: the flags and
// the action's inputs (actions/lib/settings/doctor.ts) both parse into it.
import type { RepositoryRef } from '../github/workflow-run.ts';
import type { LocationsSpec } from '../openaq/locations.ts';
import type { LayoutSetting } from '../openaq/source-url.ts';
import type { StoreKind } from '../settings/registry.ts';
import type { DoctorCheckName } from './doctor.ts';

/** A deployment's configuration, and which of it to check. */
export interface DoctorSettings {
  /** The checks to run, in the doctor's order. */
  readonly checks: readonly DoctorCheckName[];
  /** Undefined: the database check reports the missing secret. */
  readonly databaseUrl?: string | undefined;
  /** Pending migrations are no problem (a workflow's next step applies them). */
  readonly allowPendingMigrations: boolean;
  readonly source: string;
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly anonymous: boolean;
  readonly layout: LayoutSetting;
  /** The archive's locations (ids, a file, all, or OpenAQ's API), when any is configured. */
  readonly locations?: LocationsSpec | undefined;
  readonly openaqApiKey?: string | undefined;
  /** The aliases file, relative to the working directory. */
  readonly aliases: string;
  readonly store: StoreKind;
  /** The repository of the Pages check (and of the github store). */
  readonly repository?: RepositoryRef | undefined;
  readonly githubApiUrl: string;
}
