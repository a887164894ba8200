import { getServerSession } from "next-auth";
import { connection } from "next/server";

import { authOptions } from "@/lib/auth/next-auth";
import type { UserDto } from "@/lib/chat/present";
import { findUser } from "@/lib/chat/users";

/**
 * The signed-in user of the current request (server components and server actions), or null.
 * The user is looked up again so that a session of a deleted account counts as signed out.
 */
export async function currentUser(): Promise<UserDto | null> {
  // Sessions exist only in requests: this keeps `next build` from prerendering pages that ask.
  await connection();
  const session = await getServerSession(authOptions());
  const id = session?.user.id;
  return id ? findUser(id) : null;
}
