import NextAuth from "next-auth";
import type { NextRequest } from "next/server";

import { authOptions } from "@/lib/auth/next-auth";
import { routeMethods } from "@/lib/http/methods";
import { gateNextAuth } from "@/lib/http/next-auth-gate";

type Context = { params: Promise<{ nextauth: string[] }> };

const handler = gateNextAuth((request: Request, context: Context) => {
  return NextAuth(request as NextRequest, context, authOptions()) as Promise<Response>;
});

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: handler, POST: handler }, { limited: false });
