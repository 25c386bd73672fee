// A host speaking the WebSocket host protocol (what the Python client and the pipe proxy
// speak), for tests where a pipe would only add noise. Text commands are sent the way the
// server reads them: the command line's name and values, its body as text `lines`.
import WebSocket from "ws";

/** Splits a command line into tokens, keeping quoted strings whole (quotes removed). */
export function tokens(line) {
  const out = [];
  const re = /\s*((?:[^\s'"]+|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")+)/g;
  let m;
  while ((m = re.exec(line))) out.push(m[1]);
  return out;
}

const unquote = (s) => s.replace(/^(['"])(.*)\1$/s, "$2");

/** Text command → the JSON command the server executes. */
export function toCommand(text) {
  const [first, ...rest] = text.split("\n");
  const t = tokens(first.trim());
  const name = (t.shift() ?? "").toLowerCase();
  const attrs = {};
  const lines = [];
  const values = [];
  if (["add", "addf", "replace", "replacef"].includes(name)) {
    const body = [];
    for (const tok of t) {
      const m = /^(to|at|trim)=(.*)$/i.exec(tok);
      if (m) attrs[m[1].toLowerCase()] = unquote(m[2]);
      else body.push(tok);
    }
    if (body.length) lines.push(body.join(" "), ...rest.map((l) => "  " + l));
    else lines.push(...rest);
  } else if (["set", "setf", "append", "appendf"].includes(name) && t.length) {
    lines.push(t.join(" "), ...rest);
  } else {
    values.push(...t.map(unquote));
    lines.push(...rest);
  }
  return { indent: 0, name, values, attrs, lines, commands: [] };
}

export class Host {
  static async connect(wsUrl, pageName, { isApp = false } = {}) {
    const h = new Host();
    h.ws = new WebSocket(wsUrl);
    h.pending = new Map();
    h.events = [];
    h.waiters = [];
    h.seq = 0;
    await new Promise((res, rej) => {
      h.ws.once("open", res);
      h.ws.once("error", rej);
    });
    h.ws.on("message", (data) => h.onFrame(JSON.parse(String(data))));
    const r = await h.request("registerHostClient", { hostClientID: "", pageName, isApp, update: false, authToken: "", permissions: "" });
    if (r.error) throw new Error(r.error);
    h.pageName = r.pageName;
    h.sessionID = r.sessionID;
    return h;
  }

  onFrame(f) {
    if (f.action === "" && this.pending.has(f.id)) {
      this.pending.get(f.id)(f.payload);
      this.pending.delete(f.id);
    } else if (f.action === "pageEventToHost") {
      const p = f.payload;
      this.events.push({ ...p, line: `${p.eventTarget} ${p.eventName} ${p.eventData}` });
      this.waiters = this.waiters.filter((w) => !w());
    } else if (f.action === "sessionCreated") {
      this.sessions = [...(this.sessions ?? []), f.payload.sessionID];
      this.waiters = this.waiters.filter((w) => !w());
    }
  }

  request(action, payload) {
    const id = `h${++this.seq}`;
    return new Promise((res) => {
      this.pending.set(id, res);
      this.ws.send(JSON.stringify({ id, action, payload }));
    });
  }

  /** Runs a text command on the page; resolves with its result (throws on error). */
  async cmd(text, sessionID = this.sessionID) {
    const r = await this.request("pageCommandFromHost", { pageName: this.pageName, sessionID, command: toCommand(text) });
    if (r.error) throw new Error(`${text.split("\n")[0]}: ${r.error}`);
    return r.result;
  }

  /** Waits for an event line matching `re` (a RegExp over `<target> <name> <data>`). */
  waitEvent(re, ms = 5000) {
    return new Promise((res, rej) => {
      const check = () => {
        const i = this.events.findIndex((e) => re.test(e.line));
        if (i < 0) return false;
        const [e] = this.events.splice(i, 1);
        clearTimeout(t);
        res(e.line);
        return true;
      };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        rej(new Error(`no event matching ${re} within ${ms} ms; got: ${this.events.map((e) => e.line).join(" | ")}`));
      }, ms);
      if (!check()) this.waiters.push(check);
    });
  }

  close() {
    this.ws.close();
  }
}
