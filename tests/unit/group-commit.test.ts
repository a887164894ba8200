import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { groupCommit } from "@/lib/db/sqlite/group-commit";

let dir: string;
let writer: Database.Database;
/** A second connection to the same file: it sees only what has been committed. */
let reader: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "pneumatic-unit-group-commit-"));
  const file = path.join(dir, "db.sqlite");
  writer = new Database(file);
  writer.pragma("journal_mode = WAL");
  writer.exec("create table notes (id integer primary key, text text not null unique)");
  reader = new Database(file, { readonly: true });
});

afterEach(() => {
  reader.close();
  writer.close();
  rmSync(dir, { recursive: true, force: true });
});

const committedTexts = () => reader.prepare("select text from notes order by id").pluck().all();

/** Inserts a note and gives its id; "fail" throws after writing. */
function insertNote(text: string): number {
  const id = Number(writer.prepare("insert into notes (text) values (?)").run(text).lastInsertRowid);
  if (text.startsWith("fail")) throw new Error(`refused ${text}`);
  return id;
}

describe("group commit", () => {
  it("stores the calls of one turn in one transaction", async () => {
    const seenByLaterCalls: unknown[] = [];
    const store = groupCommit(
      writer,
      (text: string) => {
        seenByLaterCalls.push({ own: writer.prepare("select count(*) from notes").pluck().get(), committed: committedTexts().length });
        return insertNote(text);
      },
      () => undefined,
    );
    await Promise.all([store("a"), store("b"), store("c")]);
    expect(seenByLaterCalls).toEqual([
      { own: 0, committed: 0 },
      { own: 1, committed: 0 },
      { own: 2, committed: 0 },
    ]);
    expect(committedTexts()).toEqual(["a", "b", "c"]);
  });

  it("answers a call only after its transaction has committed", async () => {
    const store = groupCommit(writer, insertNote, () => undefined);
    const visibleWhenAnswered = await Promise.all(["a", "b"].map((text) => store(text).then(() => committedTexts().includes(text))));
    expect(visibleWhenAnswered).toEqual([true, true]);
  });

  it("hands each output to the committed hook after the commit, in call order, before answering the call", async () => {
    const heard: string[] = [];
    const store = groupCommit(writer, insertNote, (id) => heard.push(`committed ${id}: ${committedTexts().length} stored`));
    const answers = ["a", "b", "c"].map((text) => store(text).then((id) => heard.push(`answered ${id}`)));
    await Promise.all(answers);
    expect(heard).toEqual(["committed 1: 3 stored", "committed 2: 3 stored", "committed 3: 3 stored", "answered 1", "answered 2", "answered 3"]);
  });

  it("undoes the writes of a call that throws, and still commits the others", async () => {
    const store = groupCommit(writer, insertNote, () => undefined);
    const outcomes = await Promise.allSettled([store("a"), store("fail b"), store("c")]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(committedTexts()).toEqual(["a", "c"]);
  });

  it("lets a later call of the same turn see the earlier ones, so a duplicate is refused", async () => {
    const store = groupCommit(writer, insertNote, () => undefined);
    const outcomes = await Promise.allSettled([store("same"), store("same")]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected"]);
    expect(committedTexts()).toEqual(["same"]);
  });

  it("fails only the call that loses the transaction, and stores every other call once", async () => {
    const store = groupCommit(
      writer,
      (text: string) => {
        const id = insertNote(text);
        // As SQLite does itself on a full disk or an I/O error.
        if (text === "lose") writer.exec("rollback");
        return id;
      },
      () => undefined,
    );
    const outcomes = await Promise.allSettled([store("a"), store("lose"), store("c")]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(committedTexts()).toEqual(["a", "c"]);
    expect(writer.inTransaction).toBe(false);
  });

  it("rejects the call whose committed hook throws, and still answers the others", async () => {
    const store = groupCommit(writer, insertNote, (id) => {
      if (id === 2) throw new Error("announcement failed");
    });
    const outcomes = await Promise.allSettled([store("a"), store("b"), store("c")]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(committedTexts()).toEqual(["a", "b", "c"]);
  });

  it("puts a call made while a batch commits into the next transaction", async () => {
    let store: (text: string) => Promise<number> = async () => 0;
    let later: Promise<number> | undefined;
    store = groupCommit(writer, insertNote, (id) => {
      if (id === 1) later = store("later");
    });
    await Promise.all([store("a"), store("b")]);
    expect(committedTexts()).toEqual(["a", "b"]);
    await later;
    expect(committedTexts()).toEqual(["a", "b", "later"]);
  });
});
