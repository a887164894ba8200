import { describe, expect, it } from "vitest";

import { hashPassword, verifyPassword } from "@/lib/auth/passwords";

describe("passwords", () => {
  it("hashes with argon2id at the OWASP minimum cost", async () => {
    const hash = await hashPassword("a long password");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("verifies the right password and rejects a wrong one", async () => {
    const hash = await hashPassword("a long password");
    expect(await verifyPassword(hash, "a long password")).toBe(true);
    expect(await verifyPassword(hash, "a wrong password")).toBe(false);
  });

  it("rejects any password for a user without a hash", async () => {
    expect(await verifyPassword(undefined, "a long password")).toBe(false);
  });

  it("treats a corrupt stored hash as a mismatch", async () => {
    expect(await verifyPassword("not-a-hash", "a long password")).toBe(false);
  });
});
