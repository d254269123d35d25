/** Errors of the RADIUS mechanism. Outcomes of logins are values, not errors (mechanism.ts). */

/** The RADIUS configuration cannot work; thrown by createRadiusMechanism. */
export class RadiusConfigError extends Error {
  override readonly name = 'RadiusConfigError';
  readonly code = 'RADIUS_CONFIG_INVALID';
  /** The configuration key at fault, e.g. `radius.servers[0].secret`. */
  readonly key: string;

  constructor(key: string, expected: string) {
    super(`${key}: ${expected}`);
    this.key = key;
  }
}
