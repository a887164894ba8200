import { randomUUID } from "node:crypto";

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestUser {
  id: string;
  username: string;
  password: string;
  token: string;
  refreshToken: string;
}

export async function api<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as T };
}

export function uniqueName(prefix = "user"): string {
  return `${prefix}_${randomUUID().slice(0, 8)}`;
}

export async function createUser(baseUrl: string, prefix = "user", fullName?: string): Promise<TestUser> {
  const username = uniqueName(prefix);
  const password = "correct horse battery";
  const signup = await api<{ id: string }>(baseUrl, "POST", "/auth/signup", {
    json: { username, password, full_name: fullName },
  });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status} ${JSON.stringify(signup.body)}`);
  const login = await api<{ access_token: string; refresh_token: string }>(baseUrl, "POST", "/auth/login", {
    json: { username, password },
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  return {
    id: signup.body.id,
    username,
    password,
    token: login.body.access_token,
    refreshToken: login.body.refresh_token,
  };
}

export async function createConversation(baseUrl: string, owner: TestUser, others: TestUser[], title = "", isGroup?: boolean) {
  const response = await api<{ id: string }>(baseUrl, "POST", "/conversations", {
    token: owner.token,
    json: { member_ids: others.map((user) => user.id), title, is_group: isGroup },
  });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`create conversation failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body.id;
}

export function postMessage(baseUrl: string, sender: TestUser, conversationId: string, content: string, messageId: string = randomUUID()) {
  return api<Record<string, unknown> & { seq: number; id: string }>(baseUrl, "POST", "/messages", {
    token: sender.token,
    json: { message_id: messageId, conversation_id: conversationId, content },
  });
}
