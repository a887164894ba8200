/** Signs in the way the browser does, through next-auth's credentials callback, without a browser. */
export async function webLogIn(baseUrl: string, username: string, password: string, headers: Record<string, string> = {}) {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`, { headers });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((entry) => entry.split(";", 1)[0])
    .join("; ");
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, username, password, json: "true" }),
  });
  await response.arrayBuffer();
  const session = response.headers.getSetCookie().find((entry) => entry.startsWith("next-auth.session-token="));
  return { status: response.status, headers: response.headers, cookie: session ? `${session.split(";", 1)[0]}; ${cookie}` : null };
}
