/** Security headers of every response (SPEC 2.5); pages replace the CSP with their nonce-based one. */

const HSTS = "max-age=31536000; includeSubDomains";

/** For responses that are not pages (JSON, files): nothing may run, and nobody may frame them. */
const LOCKED_DOWN_CSP = "default-src 'none'; frame-ancestors 'none'";

export function baselineSecurityHeaders(https: boolean): Record<string, string> {
  return {
    "Content-Security-Policy": LOCKED_DOWN_CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    ...(https ? { "Strict-Transport-Security": HSTS } : {}),
  };
}

/**
 * A page's policy: scripts run only with this response's nonce (Next.js puts it on its own
 * inline and bundle scripts) or when loaded by one of them; no inline script of anyone else.
 * Development adds 'unsafe-eval', which React's dev build needs for its stack traces.
 */
export function pageContentSecurityPolicy(nonce: string, development: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
