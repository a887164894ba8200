/** Next calls register() once at start-up, under server.ts and under `next start` alike. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { prepareProcessOrExit } = await import("@/lib/startup");
  await prepareProcessOrExit();
}
