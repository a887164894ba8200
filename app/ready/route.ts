import { getRepository } from "@/lib/db";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    await (await getRepository()).ping();
    return Response.json({ status: "ready" });
  } catch {
    return Response.json({ status: "unavailable", detail: "Database is unreachable" }, { status: 503 });
  }
}
