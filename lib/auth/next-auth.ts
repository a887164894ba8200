import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";

import { DomainError } from "@/lib/chat/errors";
import { loginSchema } from "@/lib/chat/schemas";
import { authenticate } from "@/lib/chat/users";
import { getConfig } from "@/lib/config";

/** Web sessions last as long as a refresh token of the REST API. */
const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

let options: NextAuthOptions | undefined;

/**
 * next-auth v4 learns the site's own URL from NEXTAUTH_URL, or from each request's Host
 * (as set by Next's server) when AUTH_TRUST_HOST is set. The app answers on whatever host
 * and port it is reached by, so unless an operator pins NEXTAUTH_URL the request decides.
 */
function deriveUrlFromRequests(): void {
  if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "true";
}

/**
 * Built on first use rather than at import: `next build` loads this module without the
 * production secret.
 */
export function authOptions(): NextAuthOptions {
  if (options) return options;
  deriveUrlFromRequests();
  options = {
    secret: getConfig().secretKey,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/" },
    providers: [
      CredentialsProvider({
        name: "Username and password",
        credentials: {
          username: { label: "Username", type: "text" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials) {
          const parsed = loginSchema.safeParse(credentials);
          if (!parsed.success) return null;
          try {
            const user = await authenticate(parsed.data.username, parsed.data.password);
            // next-auth stores `id` as the token's `sub`, which the WebSocket server reads.
            return { id: user.id, name: user.full_name ?? user.username };
          } catch (error) {
            if (error instanceof DomainError) return null;
            throw error;
          }
        },
      }),
    ],
    callbacks: {
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub ?? "" } };
      },
    },
  };
  return options;
}
