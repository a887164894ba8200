import { z } from "zod";

import {
  attachmentBody,
  conversationBody,
  errorBody,
  healthBody,
  messageBody,
  personBody,
  readMarkerBody,
  readyBody,
  tokenPairBody,
  unavailableBody,
  userBody,
} from "@/lib/api/responses";
import {
  addMembersSchema,
  createConversationSchema,
  editMessageSchema,
  loginSchema,
  logoutSchema,
  messagePageSchema,
  passwordChangeSchema,
  profileSchema,
  readMarkerSchema,
  refreshSchema,
  renameConversationSchema,
  searchSchema,
  sendMessageSchema,
  signupSchema,
} from "@/lib/chat/schemas";
import { MAX_UPLOAD_BYTES } from "@/lib/chat/uploads";
import { MAX_BODY_BYTES } from "@/lib/http/body";
import { eventStreamQuerySchema } from "@/lib/realtime/event-stream";

type JsonSchema = Record<string, unknown>;
type Method = "get" | "post" | "put" | "patch" | "delete";

interface Reply {
  description: string;
  /** JSON body; a string is another media type described in words. */
  body?: z.ZodType | { mediaType: string };
}

interface Operation {
  summary: string;
  tag: string;
  /** Needs `Authorization: Bearer <access token>`: adds 401. */
  auth?: boolean;
  /** A JSON request body validated by this schema: adds 400, 413 and 422. */
  body?: z.ZodType;
  /** A multipart/form-data body carrying one file in field `file`. */
  file?: boolean;
  /** Query parameters validated by this object schema (possibly refined): adds 422. */
  query?: z.ZodType;
  /** Rate limited and backed by the database, as every apiRoute is: adds 429 and 503. */
  api?: boolean;
  replies: Record<number, Reply>;
}

/** Request rules are turned into JSON Schema as the client must write them (before transforms). */
function schemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input" });
  return rest;
}

/** Response shapes are what the server writes. */
function replySchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "output" });
  return rest;
}

const errorReply = (description: string): Reply => ({ description, body: errorBody });

const OPERATIONS: Record<string, Partial<Record<Method, Operation>>> = {
  "/auth/signup": {
    post: {
      summary: "Create an account",
      tag: "auth",
      api: true,
      body: signupSchema,
      replies: { 201: { description: "The new user", body: userBody }, 409: errorReply("The username is taken") },
    },
  },
  "/auth/login": {
    post: {
      summary: "Exchange a username and password for a token pair",
      tag: "auth",
      api: true,
      body: loginSchema,
      replies: { 200: { description: "Access and refresh tokens", body: tokenPairBody }, 401: errorReply("Wrong username or password") },
    },
  },
  "/auth/refresh": {
    post: {
      summary: "Exchange a refresh token for a new token pair",
      tag: "auth",
      api: true,
      body: refreshSchema,
      replies: { 200: { description: "Fresh tokens", body: tokenPairBody }, 401: errorReply("Invalid or expired refresh token") },
    },
  },
  "/auth/me": {
    get: { summary: "The signed-in user", tag: "auth", api: true, auth: true, replies: { 200: { description: "The user", body: userBody } } },
    patch: {
      summary: "Change the signed-in user's full name",
      tag: "auth",
      api: true,
      auth: true,
      body: profileSchema,
      replies: { 200: { description: "The user", body: userBody } },
    },
  },
  "/auth/logout": {
    post: {
      summary: "End the session of this access token (and of the refresh token, if given)",
      tag: "auth",
      api: true,
      auth: true,
      body: logoutSchema,
      replies: { 204: { description: "The session is over; its sockets close with 4001" } },
    },
  },
  "/auth/password": {
    post: {
      summary: "Change the password; every other session of the user ends",
      tag: "auth",
      api: true,
      auth: true,
      body: passwordChangeSchema,
      replies: { 204: { description: "Changed" }, 403: errorReply("The current password is wrong") },
    },
  },
  "/users": {
    get: {
      summary: "Everyone else, to start conversations with",
      tag: "users",
      api: true,
      auth: true,
      replies: { 200: { description: "The other users, with their presence", body: z.object({ users: z.array(personBody) }) } },
    },
  },
  "/conversations": {
    get: {
      summary: "The caller's conversations, with their last message",
      tag: "conversations",
      api: true,
      auth: true,
      replies: { 200: { description: "Conversations", body: z.object({ conversations: z.array(conversationBody) }) } },
    },
    post: {
      summary: "Start a conversation (a 1-on-1 with the same person is returned, not duplicated)",
      tag: "conversations",
      api: true,
      auth: true,
      body: createConversationSchema,
      replies: {
        200: { description: "The existing 1-on-1 with that member", body: conversationBody },
        201: { description: "The new conversation", body: conversationBody },
        404: errorReply("A member id names nobody"),
      },
    },
  },
  "/conversations/{id}": {
    patch: {
      summary: "Rename a group (any member); members hear a conversation_updated event",
      tag: "groups",
      api: true,
      auth: true,
      body: renameConversationSchema,
      replies: {
        200: { description: "The group", body: conversationBody },
        403: errorReply("The caller is not a member"),
        404: errorReply("No such conversation"),
        409: errorReply("A 1-on-1 cannot be renamed"),
      },
    },
  },
  "/conversations/{id}/members": {
    post: {
      summary: "Add people to a group (any member); those already in it are ignored",
      tag: "groups",
      api: true,
      auth: true,
      body: addMembersSchema,
      replies: {
        200: { description: "The group", body: conversationBody },
        403: errorReply("The caller is not a member"),
        404: errorReply("No such conversation, or a member id names nobody"),
        409: errorReply("A 1-on-1 cannot change members"),
      },
    },
  },
  "/conversations/{id}/members/{user_id}": {
    delete: {
      summary: "Leave a group (your own id) or, as its creator, remove someone",
      tag: "groups",
      api: true,
      auth: true,
      replies: {
        200: { description: "Someone else was removed: the group", body: conversationBody },
        204: { description: "The caller left" },
        403: errorReply("Not a member, or removing someone else without being the creator"),
        404: errorReply("No such conversation, or that user is not a member"),
        409: errorReply("A 1-on-1 cannot change members"),
      },
    },
  },
  "/uploads": {
    post: {
      summary: "Upload a file to attach to a message (images and common documents, typed from their bytes)",
      tag: "attachments",
      api: true,
      auth: true,
      file: true,
      replies: {
        201: { description: "The upload, to name in a message's attachment_ids", body: attachmentBody },
        400: errorReply("The body is not multipart/form-data"),
        413: errorReply(`The file is larger than ${MAX_UPLOAD_BYTES} bytes`),
        415: errorReply("The file's type is not on the allow-list"),
        422: errorReply("No file in field `file`, or it is empty"),
      },
    },
  },
  "/uploads/{id}": {
    get: {
      summary: "An uploaded file, for its uploader or the members of the conversation that holds it (or the web session's cookie)",
      tag: "attachments",
      api: true,
      auth: true,
      replies: { 200: { description: "The file, with its sniffed type", body: { mediaType: "application/octet-stream" } }, 404: errorReply("No such upload for the caller") },
    },
  },
  "/uploads/{id}/thumbnail": {
    get: {
      summary: "An uploaded image's thumbnail (WebP, at most 320 × 320)",
      tag: "attachments",
      api: true,
      auth: true,
      replies: { 200: { description: "The thumbnail", body: { mediaType: "image/webp" } }, 404: errorReply("No such image for the caller") },
    },
  },
  "/conversations/{id}/messages": {
    get: {
      summary: "A page of a conversation's history, oldest first",
      tag: "messages",
      api: true,
      auth: true,
      query: messagePageSchema,
      replies: {
        200: { description: "Messages", body: z.object({ messages: z.array(messageBody) }) },
        403: errorReply("The caller is not a member"),
        404: errorReply("No such conversation"),
      },
    },
  },
  "/conversations/{id}/read": {
    post: {
      summary: "Move the caller's read marker forward (never back); other members are told",
      tag: "messages",
      api: true,
      auth: true,
      body: readMarkerSchema,
      replies: {
        200: { description: "The caller's read marker now (unchanged if `seq` was behind it)", body: readMarkerBody },
        403: errorReply("The caller is not a member"),
        404: errorReply("No such conversation"),
      },
    },
  },
  "/messages": {
    post: {
      summary: "Send a message; repeating a message_id returns the first result",
      tag: "messages",
      api: true,
      auth: true,
      body: sendMessageSchema,
      replies: {
        201: { description: "The stored message", body: messageBody },
        403: errorReply("Not a member, or sender_id is someone else"),
        404: errorReply("No such conversation"),
        409: errorReply("The message_id was used for a different message"),
      },
    },
  },
  "/messages/{id}": {
    patch: {
      summary: "Edit a message (its sender only)",
      tag: "messages",
      api: true,
      auth: true,
      body: editMessageSchema,
      replies: {
        200: { description: "The message as it is now; members get a message_updated event", body: messageBody },
        403: errorReply("Not the sender"),
        404: errorReply("No such message in the caller's conversations"),
        409: errorReply("The message is deleted"),
      },
    },
    delete: {
      summary: "Delete a message (its sender, or the group's creator): a tombstone keeps its id and seq",
      tag: "messages",
      api: true,
      auth: true,
      replies: {
        200: { description: "The tombstone; members get a message_updated event", body: messageBody },
        403: errorReply("Neither the sender nor the group's creator"),
        404: errorReply("No such message in the caller's conversations"),
      },
    },
  },
  "/messages/{id}/reactions/{emoji}": {
    put: {
      summary: "Add the caller's reaction (one emoji, at most 32 bytes)",
      tag: "messages",
      api: true,
      auth: true,
      replies: {
        200: { description: "The message with its reactions", body: messageBody },
        404: errorReply("No such message in the caller's conversations"),
        409: errorReply("The message is deleted"),
        422: errorReply("Not one emoji of at most 32 bytes"),
      },
    },
    delete: {
      summary: "Remove the caller's reaction",
      tag: "messages",
      api: true,
      auth: true,
      replies: {
        200: { description: "The message with its reactions", body: messageBody },
        404: errorReply("No such message in the caller's conversations"),
        422: errorReply("Not one emoji of at most 32 bytes"),
      },
    },
  },
  "/search": {
    get: {
      summary: "Full-text search over the caller's conversations, newest first; deleted messages never match",
      tag: "messages",
      api: true,
      auth: true,
      query: searchSchema,
      replies: { 200: { description: "Matching messages", body: z.object({ messages: z.array(messageBody) }) } },
    },
  },
  "/events": {
    get: {
      summary: "The live event stream (Server-Sent Events), for clients that cannot open the /ws WebSocket",
      tag: "live",
      api: true,
      auth: true,
      query: eventStreamQuerySchema,
      replies: {
        200: {
          description: "`text/event-stream`: one server frame of the live protocol per `data:` line, from the replay of `cursors` on",
          body: { mediaType: "text/event-stream" },
        },
      },
    },
  },
  "/health": {
    get: { summary: "Liveness: the process answers", tag: "operations", replies: { 200: { description: "Alive", body: healthBody } } },
  },
  "/ready": {
    get: {
      summary: "Readiness: the database answers",
      tag: "operations",
      replies: { 200: { description: "Ready", body: readyBody }, 503: { description: "The database is unreachable", body: unavailableBody } },
    },
  },
  "/metrics": {
    get: {
      summary: "Prometheus metrics",
      tag: "operations",
      replies: { 200: { description: "Prometheus text exposition format", body: { mediaType: "text/plain" } } },
    },
  },
  "/openapi.json": {
    get: { summary: "This document", tag: "operations", replies: { 200: { description: "OpenAPI 3.1", body: { mediaType: "application/json" } } } },
  },
  "/docs": {
    get: { summary: "An interactive reference of this document", tag: "operations", replies: { 200: { description: "HTML page", body: { mediaType: "text/html" } } } },
  },
  "/docs/{asset}": {
    get: {
      summary: "The reference page's script and style sheet",
      tag: "operations",
      replies: { 200: { description: "The file", body: { mediaType: "application/octet-stream" } }, 404: errorReply("No such file") },
    },
  },
  "/api/auth/{nextauth}": {
    get: {
      summary: "The web UI's session endpoints (next-auth: session, csrf, providers, signout)",
      tag: "web session",
      replies: { 200: { description: "next-auth response", body: { mediaType: "application/json" } } },
    },
    post: {
      summary: "The web UI's sign-in and sign-out (next-auth, form-encoded with its CSRF token)",
      tag: "web session",
      replies: { 200: { description: "next-auth response", body: { mediaType: "application/json" } }, 302: { description: "Redirect after sign-in or sign-out" } },
    },
  },
};

function content(body: Reply["body"]): Record<string, unknown> | undefined {
  if (!body) return undefined;
  if ("mediaType" in body) return { [body.mediaType]: {} };
  return { "application/json": { schema: replySchemaOf(body) } };
}

function replies(operation: Operation): Record<string, unknown> {
  const all: Record<number, Reply> = {};
  if (operation.body) {
    all[400] = errorReply("The body is not valid JSON");
    all[413] = errorReply(`The body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  if (operation.body || operation.query) all[422] = errorReply("The input breaks a rule; the detail names the field");
  if (operation.auth) all[401] = errorReply("Missing, invalid or expired access token");
  if (operation.api) {
    all[429] = errorReply("Too many requests: wait for Retry-After seconds");
    all[503] = errorReply("The database is unavailable: retry shortly");
  }
  Object.assign(all, operation.replies);
  return Object.fromEntries(
    Object.entries(all).map(([status, reply]) => [status, { description: reply.description, content: content(reply.body) }]),
  );
}

/**
 * Query parameters from the object schema inside the (possibly refined) query schema, as the
 * client writes them, except a whole number: its rule reads it from digits (lib/chat/schemas),
 * and OpenAPI's `integer` parameter already says the client writes it as digits.
 */
function queryParameters(schema: z.ZodType): Record<string, unknown>[] {
  type ObjectSchema = { properties?: Record<string, JsonSchema>; required?: string[] };
  const written = schemaOf(schema) as ObjectSchema;
  const read = replySchemaOf(schema) as ObjectSchema;
  return Object.entries(written.properties ?? {}).map(([name, property]) => ({
    name,
    in: "query",
    required: written.required?.includes(name) ?? false,
    schema: read.properties?.[name]?.type === "integer" ? read.properties[name] : property,
  }));
}

function pathParameters(path: string): Record<string, unknown>[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: "path", required: true, schema: { type: "string" } }));
}

/** `post` + `/conversations/{id}/messages` → `postConversationsIdMessages`. */
function operationId(method: Method, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return method + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join("");
}

function describeOperation(path: string, method: Method, operation: Operation): Record<string, unknown> {
  return {
    operationId: operationId(method, path),
    summary: operation.summary,
    tags: [operation.tag],
    ...(operation.auth ? { security: [{ bearer: [] }] } : {}),
    parameters: [...pathParameters(path), ...(operation.query ? queryParameters(operation.query) : [])],
    ...(operation.body
      ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(operation.body) } } } }
      : {}),
    ...(operation.file
      ? {
          requestBody: {
            required: true,
            content: { "multipart/form-data": { schema: { type: "object", properties: { file: { type: "string", format: "binary" } }, required: ["file"] } } },
          },
        }
      : {}),
    responses: replies(operation),
  };
}

/** The OpenAPI 3.1 description of the REST API, built from the schemas that validate its input. */
export function openApiDocument(): Record<string, unknown> {
  const paths = Object.fromEntries(
    Object.entries(OPERATIONS).map(([path, methods]) => [
      path,
      Object.fromEntries(
        Object.entries(methods).map(([method, operation]) => [method, describeOperation(path, method as Method, operation)]),
      ),
    ]),
  );
  return {
    openapi: "3.1.0",
    info: {
      title: "Pneumatic Chat",
      version: "1.0.0",
      description:
        "REST API of Pneumatic Chat. Live delivery uses the WebSocket at /ws (token in the `token` query parameter " +
        "or the web session cookie). Every error answers `{\"detail\": string}`.",
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { Error: replySchemaOf(errorBody) },
    },
    paths,
  };
}
