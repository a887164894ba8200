"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";

import { signUpAction } from "@/app/actions";
import { signupSchema } from "@/lib/chat/schemas";
import { reachable } from "@/lib/web/action-result";

import { Field } from "./Field";

type Tab = "login" | "signup";
type Errors = Record<string, string>;

const TABS: { id: Tab; label: string }[] = [
  { id: "login", label: "Log in" },
  { id: "signup", label: "Sign up" },
];

/** Signs in through next-auth, which sets the httpOnly session cookie; answers what went wrong, if anything. */
async function startSession(username: string, password: string): Promise<string | null> {
  const result = await signIn("credentials", { username, password, redirect: false }).catch(() => null);
  if (!result) return "Could not reach the server. Check your connection and try again.";
  if (result.status === 429) return "Too many failed attempts. Wait a little, then try again.";
  return !result.ok || result.error ? "Incorrect username or password" : null;
}

function fieldsOf(form: HTMLFormElement): Record<string, string> {
  return Object.fromEntries([...new FormData(form)].map(([key, value]) => [key, String(value)]));
}

const FIELD_LABELS: Record<string, string> = { username: "Username", password: "Password", full_name: "Full name" };

/** Schema messages read "must be…"; the field's name makes them a sentence. */
function sentence(field: string, message: string): string {
  return /^[a-z]/.test(message) ? `${FIELD_LABELS[field] ?? field} ${message}` : message;
}

function LoginForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const { username = "", password = "" } = fieldsOf(event.currentTarget);
    if (!username.trim() || !password) return setError("Enter your username and password");
    setBusy(true);
    const failure = await startSession(username.trim(), password);
    if (!failure) return router.replace("/chat");
    setError(failure);
    setBusy(false);
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Log in">
      <Field id="login-username" name="username" label="Username" autoComplete="username" autoCapitalize="none" required />
      <Field id="login-password" name="password" label="Password" type="password" autoComplete="current-password" required />
      {error ? (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <SubmitButton busy={busy} label="Log in" busyLabel="Logging in…" />
    </form>
  );
}

function SignUpForm() {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fields = fieldsOf(event.currentTarget);
    // Checked here for instant feedback; the server action checks again with the same schema.
    const parsed = signupSchema.safeParse(fields);
    if (!parsed.success) {
      const found: Errors = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]);
        found[field] ??= sentence(field, issue.message);
      }
      return setErrors(found);
    }
    setBusy(true);
    const result = await reachable(signUpAction(fields));
    if (!result.ok) {
      const refused = Object.entries(result.fieldErrors ?? {}).map(([field, message]) => [field, sentence(field, message)]);
      setErrors(refused.length ? Object.fromEntries(refused) : { form: result.error });
      return setBusy(false);
    }
    const failure = await startSession(result.data.username, parsed.data.password);
    if (!failure) return router.replace("/chat");
    setErrors({ form: failure });
    setBusy(false);
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Sign up">
      <Field
        id="signup-username"
        name="username"
        label="Username"
        autoComplete="username"
        autoCapitalize="none"
        hint="3–32 letters, digits, '_', '.' or '-'"
        error={errors.username}
        required
      />
      <Field
        id="signup-password"
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters"
        error={errors.password}
        required
      />
      <Field id="signup-full-name" name="full_name" label="Full name (optional)" autoComplete="name" error={errors.full_name} />
      {errors.form ? (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700">
          {errors.form}
        </p>
      ) : null}
      <SubmitButton busy={busy} label="Create account" busyLabel="Creating account…" />
    </form>
  );
}

function SubmitButton({ busy, label, busyLabel }: { busy: boolean; label: string; busyLabel: string }) {
  return (
    <button
      type="submit"
      disabled={busy}
      className="w-full rounded-lg bg-indigo-600 px-4 py-2.5 font-semibold text-white shadow-sm transition hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60"
    >
      {busy ? busyLabel : label}
    </button>
  );
}

export function AuthScreen() {
  const [tab, setTab] = useState<Tab>("login");
  const tabRefs = useRef<Record<Tab, HTMLButtonElement | null>>({ login: null, signup: null });
  const baseId = useId();

  // Arrow keys move between tabs, as the ARIA tabs pattern expects.
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    const next: Tab = tab === "login" ? "signup" : "login";
    setTab(next);
    tabRefs.current[next]?.focus();
  }

  return (
    <main className="flex min-h-dvh items-center justify-center bg-gradient-to-br from-indigo-600 via-indigo-500 to-sky-500 p-4">
      <div className="w-full max-w-sm rounded-2xl bg-white p-6 shadow-xl sm:p-8">
        <h1 className="text-center text-2xl font-bold tracking-tight text-slate-900">
          <span aria-hidden="true">💨 </span>Pneumatic Chat
        </h1>
        <p className="mt-1 text-center text-sm text-slate-500">Messages that arrive the instant they are sent.</p>
        <div role="tablist" aria-label="Log in or sign up" className="mt-6 grid grid-cols-2 rounded-lg bg-slate-100 p-1" onKeyDown={onKeyDown}>
          {TABS.map(({ id, label }) => (
            <button
              key={id}
              ref={(element) => {
                tabRefs.current[id] = element;
              }}
              id={`${baseId}-${id}-tab`}
              role="tab"
              type="button"
              aria-selected={tab === id}
              aria-controls={`${baseId}-${id}-panel`}
              tabIndex={tab === id ? 0 : -1}
              onClick={() => setTab(id)}
              className={`rounded-md px-3 py-1.5 text-sm font-medium transition focus-visible:outline-2 focus-visible:outline-indigo-600 ${
                tab === id ? "bg-white text-slate-900 shadow" : "text-slate-600 hover:text-slate-900"
              }`}
            >
              {label}
            </button>
          ))}
        </div>
        <div id={`${baseId}-${tab}-panel`} role="tabpanel" aria-labelledby={`${baseId}-${tab}-tab`} className="mt-6">
          {tab === "login" ? <LoginForm /> : <SignUpForm />}
        </div>
      </div>
    </main>
  );
}
