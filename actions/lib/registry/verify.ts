// Checking an asset's bytes against its manifest entry, and a whole version against its store.
import { sha256Hex } from './digest.ts';
import { VerificationError } from './errors.ts';
import type { ManifestAsset } from './manifest.ts';

/** Why `bytes` are not the asset the manifest lists, or undefined when they are. */
export async function digestMismatch(
  asset: ManifestAsset,
  bytes: Uint8Array,
): Promise<string | undefined> {
  if (bytes.byteLength !== asset.size) {
    return `${asset.name} has ${bytes.byteLength} bytes, the manifest says ${asset.size}`;
  }
  const sha256 = await sha256Hex(bytes);
  return sha256 === asset.sha256
    ? undefined
    : `${asset.name} has sha256 ${sha256}, the manifest says ${asset.sha256}`;
}

/**
 * Checks bytes against the manifest's asset entry.
 *
 * @throws VerificationError naming the version and what differs
 * @example await verifyAssetBytes('models:/ozone-forest/3', asset, bytes);
 */
export async function verifyAssetBytes(
  where: string,
  asset: ManifestAsset,
  bytes: Uint8Array,
): Promise<Uint8Array> {
  const mismatch = await digestMismatch(asset, bytes);
  if (mismatch) throw new VerificationError(`${where}: ${mismatch}`);
  return bytes;
}
