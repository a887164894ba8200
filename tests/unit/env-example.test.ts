import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { loadConfig } from "@/lib/config";

const example = readFileSync(".env.example", "utf8");

describe(".env.example", () => {
  it("documents every variable lib/config.ts reads", () => {
    const read = [...readFileSync("lib/config.ts", "utf8").matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1]);
    const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]);
    expect(read).toEqual(expect.arrayContaining(["SECRET_KEY", "RATE_LIMIT_API_REQUESTS", "CORS_ORIGINS"]));
    expect(documented).toEqual(expect.arrayContaining(read));
  });

  it("holds only values the configuration accepts", () => {
    const values = Object.fromEntries(
      [...example.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((match) => [match[1], match[2]]),
    );
    expect(() => loadConfig({ ...values, NODE_ENV: "production", SECRET_KEY: "s".repeat(32) })).not.toThrow();
  });
});
