/** Security headers of every response (SPEC 2.5); pages set their nonce-based CSP themselves. */

const HSTS = "max-age=31536000; includeSubDomains";

/** For responses that are not pages (JSON, files): nothing may run, and nobody may frame them. */
const LOCKED_DOWN_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * For HTML that was given no page policy: the pages Next.js prerenders and the proxy does not
 * run for (the 404 of an unknown path). Without a nonce no script runs; the site's styles,
 * images and fonts load, so the page looks like the rest of the site.
 */
const STATIC_PAGE_CSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The policy of a response that was not given one, by what it is. */
export function defaultContentSecurityPolicy(contentType: string): string {
  return /^text\/html\b/i.test(contentType) ? STATIC_PAGE_CSP : LOCKED_DOWN_CSP;
}

/** The other security headers every response gets; the Content-Security-Policy is chosen per response. */
export function baselineSecurityHeaders(https: boolean): Record<string, string> {
  return {
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
