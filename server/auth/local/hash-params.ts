/**
 * argon2id parameters for new hashes: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
 * Hashes carry their own parameters, so raising these re-hashes each user on their next login.
 */
export const HASH_PARAMS = Object.freeze({
  type: 2 as const, // argon2id
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});
