// The reducer: applies the server's page messages to the flat control map, the way the
// 0.7 client does (reference-server.md 9.3a). Objects are copied on write, so a message
// replaces only the records it touches; `touched` collects their ids for notification.
import type { Control, Frame, Props } from "./types";

export type Controls = Map<string, Control>;

function edit(m: Controls, touched: Set<string>, id: string): Control | undefined {
  const c = m.get(id);
  if (!c) return undefined;
  if (!touched.has(id)) {
    // First edit in this message: copy, so subscribers see a new object.
    const copy = { ...c, c: c.c ? [...c.c] : c.c };
    m.set(id, copy);
    touched.add(id);
    return copy;
  }
  return c;
}

function dropDescendants(m: Controls, touched: Set<string>, id: string) {
  const c = m.get(id);
  if (!c?.c) return;
  for (const child of c.c) {
    dropDescendants(m, touched, child);
    if (m.delete(child)) touched.add(child);
  }
}

export function cleanControl(m: Controls, touched: Set<string>, ids: string[]) {
  for (const id of ids ?? []) {
    if (!m.has(id)) continue;
    dropDescendants(m, touched, id);
    const c = edit(m, touched, id);
    if (c) c.c = [];
  }
}

export function removeControl(m: Controls, touched: Set<string>, ids: string[]) {
  for (const id of ids ?? []) {
    const c = m.get(id);
    if (!c) continue;
    dropDescendants(m, touched, id);
    m.delete(id);
    touched.add(id);
    const parent = edit(m, touched, c.p);
    if (parent?.c) parent.c = parent.c.filter((x) => x !== id);
  }
}

export function addControls(m: Controls, touched: Set<string>, controls: Control[], trimIDs?: string[]) {
  if (controls?.length) {
    const firstParent = controls[0].p;
    for (const ctrl of controls) {
      const old = m.get(ctrl.i);
      const next: Control = { ...ctrl };
      if (old) {
        // An existing control keeps its children list (the server sends its record again).
        next.c = old.c;
        m.set(ctrl.i, next);
        touched.add(ctrl.i);
        continue;
      }
      if (!next.c) next.c = [];
      m.set(ctrl.i, next);
      touched.add(ctrl.i);
      if (ctrl.p === firstParent) {
        const parent = edit(m, touched, ctrl.p);
        if (parent) {
          const kids = parent.c ?? (parent.c = []);
          const at = ctrl.at !== undefined && ctrl.at !== "" ? parseInt(String(ctrl.at), 10) : NaN;
          if (Number.isFinite(at) && at >= 0 && at <= kids.length) kids.splice(at, 0, ctrl.i);
          else kids.push(ctrl.i);
        }
      }
    }
  }
  if (trimIDs?.length) removeControl(m, touched, trimIDs);
}

export function updateProps(m: Controls, touched: Set<string>, props: Props[], append = false) {
  for (const p of props ?? []) {
    if (!p || typeof p.i !== "string") continue;
    const c = edit(m, touched, p.i);
    if (!c) continue;
    for (const [k, v] of Object.entries(p)) {
      if (k === "i") continue;
      if (append) {
        c[k] = String(c[k] ?? "") + String(v ?? "");
      } else if (v === "" || v === null || v === undefined) {
        delete c[k];
      } else {
        c[k] = typeof v === "string" ? v : String(v);
      }
    }
  }
}

/** Applies one page message. Returns false for actions that are not page changes. */
export function applyFrame(m: Controls, touched: Set<string>, f: Frame): boolean {
  const p = f.payload ?? {};
  switch (f.action) {
    case "addPageControls":
      addControls(m, touched, p.controls ?? [], p.trimIDs ?? []);
      return true;
    case "replacePageControls":
      if (p.remove) removeControl(m, touched, p.ids ?? []);
      else cleanControl(m, touched, p.ids ?? []);
      addControls(m, touched, p.controls ?? []);
      return true;
    case "updateControlProps":
      updateProps(m, touched, p.props ?? []);
      return true;
    case "appendControlProps":
      updateProps(m, touched, p.props ?? [], true);
      return true;
    case "cleanControl":
      cleanControl(m, touched, p.ids ?? []);
      return true;
    case "removeControl":
      removeControl(m, touched, p.ids ?? []);
      return true;
    case "pageControlsBatch":
      for (const inner of Array.isArray(f.payload) ? f.payload : []) applyFrame(m, touched, inner);
      return true;
  }
  return false;
}
