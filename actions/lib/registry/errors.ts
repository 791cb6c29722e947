// The registry's errors. Node-free: the Worker imports them with the manifest and URI parsers.
import { FreshetError } from '../errors.ts';

/** A store could not be read or written (GitHub's API, the local folder), with what was asked. */
export class RegistryError extends FreshetError {
  override name = 'RegistryError';
}

/** A model, version, alias, asset or run that the registry does not hold. */
export class RegistryNotFoundError extends RegistryError {
  override name = 'RegistryNotFoundError';
}

/**
 * A document that breaks its format (a manifest, an aliases file), with every problem found, so
 * that all can be fixed at once.
 */
export class InvalidDocumentError extends RegistryError {
  override name = 'InvalidDocumentError';
  readonly problems: readonly string[];
  constructor(what: string, problems: readonly string[], options?: ErrorOptions) {
    super(`${what} is invalid: ${problems.join('; ')}`, options);
    this.problems = problems;
  }
}

/** An asset whose bytes do not match what its manifest says (size or sha256). */
export class VerificationError extends RegistryError {
  override name = 'VerificationError';
}
