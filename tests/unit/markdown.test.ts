import { describe, expect, it } from "vitest";

import { renderMessageHtml } from "@/lib/web/markdown";

const context = { members: new Set(["bob", "mia"]), me: "mia" };
const render = (content: string) => renderMessageHtml(content, context);

describe("message content rendering", () => {
  it("renders bold, italic, inline code, code blocks and quotes", () => {
    expect(render("**b** _i_ `c`")).toBe("<p><strong>b</strong> <em>i</em> <code>c</code></p>\n");
    expect(render("```\nx = 1\n```")).toBe("<pre><code>x = 1\n</code></pre>\n");
    expect(render("> said")).toBe("<blockquote>\n<p>said</p>\n</blockquote>\n");
  });

  it("leaves headings, lists and images as text", () => {
    expect(render("# h\n- item")).toBe("<p># h<br>\n- item</p>\n");
    expect(render("![alt](https://example.com/a.png)")).not.toContain("<img");
  });

  it("escapes raw HTML instead of passing it through", () => {
    expect(render("<img src=x onerror=alert(1)>")).toBe("<p>&lt;img src=x onerror=alert(1)&gt;</p>\n");
    expect(render("<script>alert(1)</script>")).not.toContain("<script");
  });

  it("links http, https and mailto, in a new tab without an opener", () => {
    expect(render("see https://example.com/x")).toBe(
      '<p>see <a href="https://example.com/x" target="_blank" rel="noopener noreferrer">https://example.com/x</a></p>\n',
    );
    expect(render("a@b.co")).toContain('href="mailto:a@b.co"');
  });

  it("never links javascript:, data: or vbscript: addresses", () => {
    for (const url of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x"]) {
      expect(render(`[click](${url})`)).not.toContain("<a");
    }
  });

  it("highlights mentions of members, the reader's own more, and not in code or links", () => {
    expect(render("@bob @mia @eve")).toBe('<p><span class="mention">@bob</span> <span class="mention mention-me">@mia</span> @eve</p>\n');
    expect(render("`@bob` [@bob](https://example.com)")).not.toContain("mention");
  });
});
