import { execFileSync, spawnSync } from "node:child_process";

import { describe, expect, it } from "vitest";

/** pino writes straight to file descriptor 1, so the logger runs in a child process. */
function logLines(script: string): Record<string, unknown>[] {
  const output = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test" },
  });
  return output
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("structured logs", () => {
  it("writes one JSON object per line with time, level and message", () => {
    const [line] = logLines(`import { log } from "@/lib/log"; log("info", "hello", { user_id: "u1" });`);
    expect(line).toMatchObject({ level: "info", msg: "hello", user_id: "u1" });
    expect(String(line!.time)).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
  });

  it("never prints tokens, passwords or authorization headers", () => {
    const lines = logLines(`
      import { log } from "@/lib/log";
      log("info", "leak attempt", {
        password: "hunter2-secret", token: "tok-secret",
        request: { headers: { authorization: "Bearer jwt-secret" } },
        body: { refresh_token: "refresh-secret" },
      });`);
    const text = JSON.stringify(lines);
    for (const secret of ["hunter2-secret", "tok-secret", "jwt-secret", "refresh-secret"]) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ password: "[redacted]", token: "[redacted]", body: { refresh_token: "[redacted]" } });
  });

  it("censors secrets in lists too, and leaves the caller's objects as they were", () => {
    const [line, afterwards] = logLines(`
      import { log } from "@/lib/log";
      const fields = { sessions: [{ token: "listed-secret", id: "s1" }], request: { headers: { cookie: "c-secret", host: "h" } } };
      log("info", "with lists", fields);
      console.log(JSON.stringify(fields));`);
    expect(JSON.stringify(line)).not.toContain("-secret");
    expect(line).toMatchObject({ sessions: [{ token: "[redacted]", id: "s1" }], request: { headers: { cookie: "[redacted]", host: "h" } } });
    expect(afterwards).toEqual({ sessions: [{ token: "listed-secret", id: "s1" }], request: { headers: { cookie: "c-secret", host: "h" } } });
  });

  it("drops lines below the configured level", () => {
    const lines = logLines(`
      import { log, setLogLevel } from "@/lib/log";
      setLogLevel("warn");
      log("info", "quiet"); log("warn", "loud");`);
    expect(lines.map((line) => line.msg)).toEqual(["loud"]);
  });

  it("writes errors to stderr and the rest to stdout", () => {
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", `import { log } from "@/lib/log"; log("info", "fine"); log("error", "broken");`],
      { encoding: "utf8", env: { PATH: process.env.PATH ?? "", NODE_ENV: "test" } },
    );
    expect(result.stdout).toContain('"fine"');
    expect(result.stdout).not.toContain('"broken"');
    expect(result.stderr).toContain('"broken"');
  });
});
