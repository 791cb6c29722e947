// The registry's one store interface: the GitHub Releases store and the local folder store both
// implement it, and pass one contract suite (test/lib/registry/store-contract.ts).
import type { Aliases } from './aliases.ts';
import type { Manifest, ManifestAsset } from './manifest.ts';

/** An asset to publish: what the manifest will say of it, and how to read its bytes. */
export interface DraftAsset extends ManifestAsset {
  /** The bytes (read when the store writes them, one asset at a time). */
  readonly read: () => Promise<Uint8Array>;
}

/** Everything a manifest holds that the store does not decide (it decides version and time). */
export type ManifestFields = Omit<
  Manifest,
  'schema' | 'name' | 'version' | 'created_at' | 'assets'
>;

/** A version to publish, described as a value before any store is touched. */
export interface VersionDraft {
  readonly name: string;
  readonly fields: ManifestFields;
  /** Every asset but manifest.json, sorted by name. */
  readonly assets: readonly DraftAsset[];
}

/** A model and its published versions, ascending. */
export interface ModelListing {
  readonly name: string;
  readonly versions: readonly number[];
}

/** Where model versions live. */
export interface RegistryStore {
  /** `local` or `github`, for messages and JSON. */
  readonly kind: 'local' | 'github';
  /** Where it is, for messages: a folder, or `owner/repo`. */
  readonly location: string;
  /**
   * Publishes a new version (the last one + 1; never one that exists, even when two publishes run
   * at once) and returns its manifest. A publish that fails leaves no version behind.
   */
  publish(draft: VersionDraft): Promise<Manifest>;
  /** Every model with at least one version, by name. */
  list(): Promise<ModelListing[]>;
  /** The model's versions, ascending (empty for an unknown model). */
  versions(name: string): Promise<number[]>;
  /** The version's manifest. @throws RegistryNotFoundError */
  get(name: string, version: number): Promise<Manifest>;
  /** An asset's bytes, checked against the manifest. @throws RegistryNotFoundError, VerificationError */
  download(name: string, version: number, asset: string): Promise<Uint8Array>;
  /** The aliases file (empty when there is none). */
  aliases(): Promise<Aliases>;
}
