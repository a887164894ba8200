import type { z } from "zod";

import { currentUser } from "@/lib/auth/session";
import { DomainError } from "@/lib/chat/errors";
import type { UserDto } from "@/lib/chat/present";
import { describeZodError } from "@/lib/chat/schemas";
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

/** Runs a server action body; refused input and broken domain rules become messages, not 500s. */
export async function actionResult<T>(run: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await run() };
  } catch (error) {
    if (error instanceof InvalidInput) return { ok: false, error: error.message, fieldErrors: error.fieldErrors };
    if (error instanceof DomainError) return { ok: false, error: error.message };
    throw error;
  }
}

/** Like actionResult, for actions only a signed-in user may run. */
export async function userActionResult<T>(run: (user: UserDto) => Promise<T>): Promise<ActionResult<T>> {
  const user = await currentUser();
  if (!user) return { ok: false, error: SESSION_ENDED };
  return actionResult(() => run(user));
}
