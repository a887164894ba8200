import { hash, verify } from "@node-rs/argon2";

// OWASP password storage cheat sheet, argon2id minimum: m=19 MiB, t=2, p=1.
// @node-rs/argon2 uses argon2id unless told otherwise (its Algorithm enum is const and
// cannot be imported under isolatedModules), so the options only set the costs.
const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

let decoyHash: Promise<string> | undefined;

/**
 * Compares against a real hash even when the user does not exist, so a login for an
 * unknown name costs the same time as a wrong password and does not reveal who exists.
 */
export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  if (storedHash === undefined) {
    decoyHash ??= hashPassword("decoy password that nobody has");
    await verify(await decoyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}
