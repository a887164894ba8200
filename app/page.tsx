import { redirect } from "next/navigation";

import { AuthScreen } from "@/components/auth/AuthScreen";
import { currentUser } from "@/lib/auth/session";

export default async function Home() {
  if (await currentUser()) redirect("/chat");
  return <AuthScreen />;
}
