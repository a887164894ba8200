// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { AuthScreen } from "@/components/auth/AuthScreen";

import { recordingRouter } from "./router";

afterEach(cleanup);

function renderScreen() {
  render(<AuthScreen />, { wrapper: recordingRouter().wrapper });
}

function tab(name: string) {
  return screen.getByRole("tab", { name });
}

describe("AuthScreen", () => {
  it("opens on the log-in tab", () => {
    renderScreen();
    expect(tab("Log in").getAttribute("aria-selected")).toBe("true");
    expect(screen.getByRole("form", { name: "Log in" })).toBeTruthy();
  });

  it("switches to sign-up with a click, and back with the arrow keys", () => {
    renderScreen();
    fireEvent.click(tab("Sign up"));
    expect(screen.getByRole("form", { name: "Sign up" })).toBeTruthy();
    expect(screen.getByLabelText("Full name (optional)")).toBeTruthy();
    fireEvent.keyDown(tab("Sign up"), { key: "ArrowLeft" });
    expect(tab("Log in").getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(tab("Log in"));
  });

  it("labels the tab panel with its tab", () => {
    renderScreen();
    const panel = screen.getByRole("tabpanel");
    expect(panel.getAttribute("aria-labelledby")).toBe(tab("Log in").id);
    expect(tab("Log in").getAttribute("aria-controls")).toBe(panel.id);
  });

  it("asks for both fields before trying to log in", () => {
    renderScreen();
    fireEvent.click(screen.getByRole("button", { name: "Log in" }));
    expect(screen.getByRole("alert").textContent).toBe("Enter your username and password");
  });

  it("shows each sign-up mistake under its field, before asking the server", () => {
    renderScreen();
    fireEvent.click(tab("Sign up"));
    fireEvent.change(screen.getByLabelText("Username"), { target: { value: "no spaces allowed" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "short" } });
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    const username = screen.getByLabelText("Username");
    expect(username.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(username.getAttribute("aria-describedby")!)!.textContent).toBe(
      "Username may contain only letters, digits, '_', '.' and '-'",
    );
    expect(screen.getByText("Password must be at least 8 characters")).toBeTruthy();
    expect(screen.getByLabelText("Full name (optional)").getAttribute("aria-invalid")).toBeNull();
  });
});
