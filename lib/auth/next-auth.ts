import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";

import { logIn } from "@/lib/auth/login";
import { liveSession, revokeSessions, startSession } from "@/lib/auth/sessions";
import { DomainError } from "@/lib/chat/errors";
import { loginSchema } from "@/lib/chat/schemas";
import { getConfig } from "@/lib/config";
import { requestAddress } from "@/lib/http/caller";
import { log } from "@/lib/log";
import { RateLimited } from "@/lib/ratelimit/gate";

/** Web sessions last as long as a refresh token of the REST API. */
const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

let options: NextAuthOptions | undefined;

/**
 * next-auth v4 learns the site's own URL from NEXTAUTH_URL, or from each request's
 * X-Forwarded-Host and Host when AUTH_TRUST_HOST is set. The app answers on whatever host and
 * port it is reached by, so unless an operator pins NEXTAUTH_URL the request decides; the
 * request guard has by then dropped forwarded headers that no trusted proxy vouched for.
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
            const user = await logIn(parsed.data.username, parsed.data.password, requestAddress());
            const { sessionId } = await startSession(user.id);
            // next-auth stores `id` as the token's `sub`; `sid` names the session that logging out ends.
            return { id: user.id, name: user.full_name ?? user.username, sid: sessionId };
          } catch (error) {
            if (error instanceof DomainError || error instanceof RateLimited) return null;
            throw error;
          }
        },
      }),
    ],
    // A cookie whose session ended is refused in the jwt callback, which next-auth reports as a
    // JWT_SESSION_ERROR: expected, so it is logged as information, in the app's JSON lines.
    logger: {
      error(code, metadata) {
        const error = metadata instanceof Error ? metadata.message : (metadata as { error?: Error }).error?.message;
        log(code === "JWT_SESSION_ERROR" ? "info" : "error", `next-auth ${code}`, { error });
      },
      warn(code) {
        log("warn", `next-auth ${code}`);
      },
      debug() {},
    },
    events: {
      async signOut({ token }) {
        if (token.sub && token.sid) await revokeSessions(token.sub, [token.sid]);
      },
    },
    callbacks: {
      /**
       * Runs whenever the session cookie is used: a cookie whose session was revoked (logged out,
       * password changed) is refused, and next-auth clears it, however long the JWT would last.
       */
      async jwt({ token, user }) {
        if (user) return { ...token, sid: user.sid };
        if (!token.sub || !token.sid || !(await liveSession(token.sub, token.sid))) throw new Error("session ended");
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub ?? "" } };
      },
    },
  };
  return options;
}
