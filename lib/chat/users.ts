import { randomUUID } from "node:crypto";

import { hashPassword, verifyPassword } from "@/lib/auth/passwords";
import { DomainError } from "@/lib/chat/errors";
import { presentPerson, presentUser, type PersonDto, type UserDto } from "@/lib/chat/present";
import type { SignupInput } from "@/lib/chat/schemas";
import { getRepository } from "@/lib/db";

export const USERNAME_TAKEN = "Username already registered";
export const BAD_CREDENTIALS = "Incorrect username or password";

export async function signUp(input: SignupInput): Promise<UserDto> {
  const repository = await getRepository();
  if (await repository.findUserByUsername(input.username)) throw new DomainError("conflict", USERNAME_TAKEN);
  const stored = await repository.insertUser({
    id: randomUUID(),
    username: input.username,
    fullName: input.full_name,
    passwordHash: await hashPassword(input.password),
    createdAt: new Date().toISOString(),
    lastSeenAt: null,
  });
  // The unique index decides when two sign-ups race for the same name.
  if (!stored) throw new DomainError("conflict", USERNAME_TAKEN);
  return presentUser(stored);
}

/** The same error for an unknown user and a wrong password, after the same amount of work. */
export async function authenticate(username: string, password: string): Promise<UserDto> {
  const repository = await getRepository();
  const user = await repository.findUserByUsername(username);
  const valid = await verifyPassword(user?.passwordHash, password);
  if (!user || !valid) throw new DomainError("unauthorized", BAD_CREDENTIALS);
  return presentUser(user);
}

export async function findUser(id: string): Promise<UserDto | null> {
  const user = await (await getRepository()).findUserById(id);
  return user ? presentUser(user) : null;
}

export async function listOtherUsers(userId: string): Promise<PersonDto[]> {
  return (await (await getRepository()).listUsersExcept(userId)).map(presentPerson);
}

export interface ResolvedUsernames {
  users: UserDto[];
  /** The names asked for that match nobody, as they were written. */
  unknown: string[];
}

/** Looks usernames up case-insensitively, keeping the ones that match nobody for the error message. */
export async function resolveUsernames(usernames: string[]): Promise<ResolvedUsernames> {
  const found = await (await getRepository()).findUsersByUsernames(usernames);
  const known = new Set(found.map((user) => user.username.toLowerCase()));
  return {
    users: found.map(presentUser),
    unknown: usernames.filter((name) => !known.has(name.toLowerCase())),
  };
}
