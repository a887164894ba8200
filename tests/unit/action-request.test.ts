import { describe, expect, it } from "vitest";

import { actionBodyProblem } from "@/lib/http/action-request";

const plain = "text/plain;charset=UTF-8";

describe("server action bodies", () => {
  it.each([
    ['[{"username":"ann","password":"long enough"}]'],
    ['[{"conversation_id":"c","before":12,"limit":50}]'],
    ['["$$escaped dollar", "$undefined", "$NaN", "$-0", "$D2024-01-01T00:00:00.000Z", "$n42"]'],
    ["[]"],
  ])("lets %s through", (body) => {
    expect(actionBodyProblem(plain, body)).toBeNull();
  });

  it.each([
    ["not json"],
    [""],
    ['{"username":"ann"}'],
    ['"$T"'],
    ['["$Z"]'],
    ['["$1"]'],
    ['[{"a":["$Q1"]}]'],
    ['["$nabc"]'],
    ['["$K1"]'],
    ['["$@1"]'],
  ])("refuses %j with 400", (body) => {
    expect(actionBodyProblem(plain, body)?.status).toBe(400);
  });

  it("refuses bodies that are not text/plain with 400", () => {
    expect(actionBodyProblem("multipart/form-data; boundary=x", "garbage")?.status).toBe(400);
    expect(actionBodyProblem(null, "[]")?.status).toBe(400);
  });

  it("refuses arguments nested thousands deep with 400, and takes what the app's forms send", () => {
    const deep = "[".repeat(20_000) + "]".repeat(20_000);
    expect(actionBodyProblem(plain, deep)).toMatchObject({ status: 400, detail: expect.stringMatching(/nest deeper/) });
    expect(actionBodyProblem(plain, JSON.stringify([{ conversation_id: "c", before: 5, limit: 50 }]))).toBeNull();
  });

  it("refuses a body over 64 KiB with 413", () => {
    expect(actionBodyProblem(plain, JSON.stringify(["x".repeat(70 * 1024)]))?.status).toBe(413);
  });
});
