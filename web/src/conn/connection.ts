// The WebSocket to the server: registration, the page messages into the store, and the
// connection screens' state. Reconnects with capped exponential backoff; every
// (re)registration brings a fresh full state.
import { useSyncExternalStore } from "react";
import { store } from "../store/store";
import type { Frame, Props } from "../store/types";

export type Status =
  | { kind: "connecting" }
  | { kind: "ready" }
  /** Connection dropped after the page was shown: the page stays, dimmed, under a banner. */
  | { kind: "lost"; retryAt: number }
  | { kind: "notFound"; message: string }
  | { kind: "inactive"; message: string }
  | { kind: "expired"; message: string }
  | { kind: "signin"; providers: string[] }
  | { kind: "error"; message: string };

const NOT_FOUND = "Page not found";
const INACTIVE = "Application is inactive";

/** Next delay: 0.5 s doubling to 10 s, ±20% so that many tabs do not reconnect in step. */
export function backoff(attempt: number): number {
  const base = Math.min(10_000, 500 * 2 ** attempt);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

class Connection {
  pageName = "";
  status: Status = { kind: "connecting" };
  /** A crash message from the server, shown over the page. */
  crashed = "";
  private ws?: WebSocket;
  private attempt = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private seq = 0;
  private listeners = new Set<() => void>();
  private shown = false;

  start(pageName: string) {
    this.pageName = pageName;
    this.open();
  }

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private set(s: Status) {
    this.status = s;
    this.listeners.forEach((l) => l());
  }

  private sessionKey() {
    return `pglet-sid:${this.pageName}`;
  }

  private open() {
    clearTimeout(this.timer);
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => this.register();
    ws.onmessage = (e) => {
      let f: Frame;
      try {
        f = JSON.parse(String(e.data));
      } catch {
        return;
      }
      this.receive(f);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      const k = this.status.kind;
      if (k === "expired" || k === "signin" || k === "error") return;
      this.retry();
    };
  }

  /** Reconnect later; the screen says so unless the page was never found. */
  private retry(delay = backoff(this.attempt++)) {
    clearTimeout(this.timer);
    const k = this.status.kind;
    if (k === "ready" || k === "lost" || (k === "connecting" && this.shown)) {
      this.set({ kind: "lost", retryAt: Date.now() + delay });
    }
    this.timer = setTimeout(() => this.open(), delay);
  }

  private register() {
    this.send("registerWebClient", {
      pageName: this.pageName,
      pageHash: location.hash.replace(/^#/, ""),
      winWidth: String(window.innerWidth),
      winHeight: String(window.innerHeight),
      sessionID: sessionStorage.getItem(this.sessionKey()) ?? "",
    }, `r${++this.seq}`);
  }

  private receive(f: Frame) {
    const p = f.payload ?? {};
    switch (f.action) {
      case "registerWebClient":
        return this.registered(p);
      case "appBecomeInactive":
        this.set({ kind: "inactive", message: p.message || INACTIVE });
        // The session is gone; poll until the app is back (a new session then starts).
        sessionStorage.removeItem(this.sessionKey());
        this.closeSocket();
        this.timer = setTimeout(() => this.open(), 5000);
        return;
      case "pageExpired":
        this.set({ kind: "expired", message: p.message || "This page has expired." });
        this.closeSocket();
        return;
      case "sessionCrashed":
        this.crashed = p.message || "The session crashed.";
        this.listeners.forEach((l) => l());
        return;
      case "signout":
        location.href = `/api/auth/signout?redirect_url=${encodeURIComponent(location.pathname)}`;
        return;
      default:
        store.apply(f);
    }
  }

  private registered(p: any) { // eslint-disable-line @typescript-eslint/no-explicit-any
    const err: string = p.error ?? "";
    if (!err && p.session) {
      performance.mark("pglet-state");
      if (p.session.id) sessionStorage.setItem(this.sessionKey(), p.session.id);
      store.replaceAll(p.session.controls ?? {});
      this.attempt = 0;
      this.shown = true;
      this.crashed = "";
      this.set({ kind: "ready" });
      return;
    }
    if (err === "signin_required") {
      const o = p.signinOptions ?? {};
      const providers = [
        o.gitHubEnabled && "GitHub",
        o.azureEnabled && "Microsoft",
        o.googleEnabled && "Google",
      ].filter(Boolean) as string[];
      this.set({ kind: "signin", providers });
      this.closeSocket();
      return;
    }
    // Not found / inactive: the program may (re)start; look again, slowly.
    if (err.startsWith(NOT_FOUND)) this.set({ kind: "notFound", message: err });
    else if (err.startsWith(INACTIVE)) this.set({ kind: "inactive", message: err });
    else if (/expired/i.test(err)) {
      this.set({ kind: "expired", message: err });
      this.closeSocket();
      return;
    } else if (/decrypting/i.test(err)) {
      // A stale session token (server key changed): forget it and start afresh.
      sessionStorage.removeItem(this.sessionKey());
      this.register();
      return;
    } else this.set({ kind: "error", message: err });
    this.closeSocket();
    this.timer = setTimeout(() => this.open(), Math.min(15_000, 2000 + 1000 * this.attempt++));
  }

  private closeSocket() {
    const ws = this.ws;
    this.ws = undefined;
    ws?.close();
  }

  send(action: string, payload: unknown, id = "") {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ id, action, payload }));
  }

  /** Retry now (the "reconnect" button). */
  reconnectNow() {
    this.attempt = 0;
    this.open();
  }
}

export const conn = new Connection();

export function useStatus(): Status {
  return useSyncExternalStore(conn.subscribe, () => conn.status);
}

export function useCrashed(): string {
  return useSyncExternalStore(conn.subscribe, () => conn.crashed);
}

/** A user's edit: into the store at once, then to the server (which tells the host). */
export function writeProps(props: Props[]) {
  store.applyLocal(props);
  conn.send("updateControlProps", { props });
}

export function sendEvent(target: string, name: string, data = "") {
  conn.send("pageEventFromWeb", { eventTarget: target, eventName: name, eventData: data });
}
