import { afterAll, vi } from "vitest";

import { closeRepository } from "@/lib/db";

import { describeLiveSession } from "../support/live-session-contract";

// Runs before the imports, so the store opens in a directory of its own (created on open).
vi.hoisted(() => {
  process.env.DATA_DIR = `${process.env.TMPDIR ?? "/tmp"}/pneumatic-unit-${process.pid}-${Date.now()}`;
});

afterAll(() => closeRepository());

describeLiveSession();
