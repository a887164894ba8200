"use server";

import { InvalidInput, parseActionInput, publicActionResult } from "@/lib/auth/server-action";
import { DomainError } from "@/lib/chat/errors";
import { signupSchema } from "@/lib/chat/schemas";
import { signUp } from "@/lib/chat/users";
import { enforce } from "@/lib/ratelimit/gate";
import type { ActionResult } from "@/lib/web/action-result";

/** Creates the account; the browser then signs in through next-auth with the same credentials. */
export async function signUpAction(input: unknown): Promise<ActionResult<{ username: string }>> {
  return publicActionResult(async ({ address }) => {
    const fields = parseActionInput(signupSchema, input);
    await enforce("signup", { address });
    const user = await signUp(fields).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === "conflict") {
        throw new InvalidInput(error.message, { username: error.message });
      }
      throw error;
    });
    return { username: user.username };
  });
}
