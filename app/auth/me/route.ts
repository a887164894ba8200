import { requireUser } from "@/lib/http/auth";
import { apiRoute } from "@/lib/http/route";

export const GET = apiRoute(async (request) => Response.json(await requireUser(request)));
