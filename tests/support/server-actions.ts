/**
 * Calls a server action over HTTP as the browser's fetch does, finding its id the way the
 * browser does: in the page's client chunks, where Next.js names each action reference.
 */
export async function findActionId(baseUrl: string, page: string, name: string): Promise<string> {
  const html = await (await fetch(`${baseUrl}${page}`)).text();
  const chunks = [...new Set(html.match(/\/_next\/static\/chunks\/[^"]+\.js/g) ?? [])];
  for (const chunk of chunks) {
    const source = await (await fetch(`${baseUrl}${chunk}`)).text();
    const match = new RegExp(`createServerReference\\)\\("([0-9a-f]+)"[^)]*"${name}"\\)`).exec(source);
    if (match) return match[1]!;
  }
  throw new Error(`no server action named ${name} on ${page}`);
}

export async function postAction(
  baseUrl: string,
  page: string,
  actionId: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${baseUrl}${page}`, {
    method: "POST",
    headers: { "next-action": actionId, accept: "text/x-component", "content-type": "text/plain;charset=UTF-8", ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}
