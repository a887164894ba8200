import { redirect } from "next/navigation";

import { AuthScreen } from "@/components/auth/AuthScreen";
import { currentUser } from "@/lib/auth/session";

export const metadata = { title: "Pneumatic Chat" };

export default async function Home() {
  if (await currentUser()) redirect("/chat");
  return <AuthScreen />;
}
