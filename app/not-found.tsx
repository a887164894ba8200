import Link from "next/link";

export const metadata = { title: "Page not found · Pneumatic Chat" };

/**
 * Served for unknown paths, prerendered: the proxy gives it no nonce, so it must work without
 * any script of its own (see defaultContentSecurityPolicy).
 */
export default function NotFound() {
  return (
    <main className="flex min-h-dvh items-center justify-center bg-gradient-to-br from-indigo-600 via-indigo-500 to-sky-500 p-4">
      <div className="w-full max-w-sm space-y-4 rounded-2xl bg-white p-6 text-center shadow-xl sm:p-8">
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">Page not found</h1>
        <p className="text-slate-600">There is nothing at this address.</p>
        <Link
          href="/"
          className="inline-block rounded-lg bg-indigo-600 px-4 py-2.5 font-semibold text-white shadow-sm transition hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
        >
          Back to Pneumatic Chat
        </Link>
      </div>
    </main>
  );
}
