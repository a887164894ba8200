import { DomainError } from "@/lib/chat/errors";
import type { UserDto } from "@/lib/chat/present";
import { authenticate } from "@/lib/chat/users";
import { getLoginThrottle } from "@/lib/ratelimit";
import { RateLimited } from "@/lib/ratelimit/gate";

/** Throws RateLimited while the account or the address must wait after too many failed logins. */
export async function checkLoginAllowed(username: string, address: string): Promise<void> {
  const wait = await getLoginThrottle().waitSeconds(username, address);
  if (wait > 0) throw new RateLimited(wait);
}

/**
 * Checks a password the same way on both login paths (REST and next-auth): refused outright
 * while throttled, even when right, and every wrong one counted against the account and address.
 */
export async function logIn(username: string, password: string, address: string): Promise<UserDto> {
  await checkLoginAllowed(username, address);
  const throttle = getLoginThrottle();
  try {
    const user = await authenticate(username, password);
    await throttle.recordSuccess(username);
    return user;
  } catch (error) {
    if (error instanceof DomainError && error.code === "unauthorized") await throttle.recordFailure(username, address);
    throw error;
  }
}
