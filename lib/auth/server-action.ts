import type { z } from "zod";

import { currentUser } from "@/lib/auth/session";
import { DomainError } from "@/lib/chat/errors";
import type { UserDto } from "@/lib/chat/present";
import { describeZodError } from "@/lib/chat/schemas";
import { requestAddress } from "@/lib/http/caller";
import { enforce, RateLimited } from "@/lib/ratelimit/gate";
import { SESSION_ENDED, type ActionResult } from "@/lib/web/action-result";

/** Input a server action refuses; its messages are meant for the form that sent it. */
export class InvalidInput extends Error {
  override name = "InvalidInput";

  constructor(
    message: string,
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Validates a server action's argument, which arrives from the browser and proves nothing. */
export function parseActionInput<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "");
    if (field && !(field in fieldErrors)) fieldErrors[field] = issue.message;
  }
  throw new InvalidInput(describeZodError(parsed.error), fieldErrors);
}

/** Refused input, broken domain rules and exhausted limits become messages, not 500s. */
async function settle<T>(run: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await run() };
  } catch (error) {
    if (error instanceof InvalidInput) return { ok: false, error: error.message, fieldErrors: error.fieldErrors };
    if (error instanceof DomainError || error instanceof RateLimited) return { ok: false, error: error.message };
    throw error;
  }
}

/** Runs an action anyone may call, within the action budget of the caller's address. */
export async function publicActionResult<T>(run: (caller: { address: string }) => Promise<T>): Promise<ActionResult<T>> {
  const address = requestAddress();
  return settle(async () => {
    await enforce("action", { address });
    return run({ address });
  });
}

/** Runs an action only a signed-in user may call, within that user's action budget (the address's without one). */
export async function userActionResult<T>(run: (user: UserDto) => Promise<T>): Promise<ActionResult<T>> {
  const user = await currentUser();
  return settle(async () => {
    await enforce("action", { userId: user?.id, address: requestAddress() });
    if (!user) throw new DomainError("unauthorized", SESSION_ENDED);
    return run(user);
  });
}
