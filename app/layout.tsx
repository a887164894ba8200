import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";

import "./globals.css";

// No title here: the login page names itself, and the chat renders its own (ChatApp).
export const metadata: Metadata = {
  description: "Self-hosted real-time chat",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#4f46e5" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="bg-slate-100 text-slate-900 antialiased">{children}</body>
    </html>
  );
}
