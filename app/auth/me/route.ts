import { requireUser } from "@/lib/http/auth";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

export const GET = apiRoute(async (request) => Response.json(await requireUser(request)));

export const OPTIONS = preflight;
