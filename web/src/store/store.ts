// The page store: a flat map id → control record, with one subscription list per id and
// one per subtree, so an update re-renders only the components that read what it touched.
import { useRef, useSyncExternalStore } from "react";
import { applyFrame, updateProps, type Controls } from "./apply";
import type { Control, Frame, Props } from "./types";

type Listener = () => void;

class PageStore {
  private controls: Controls = new Map();
  private own = new Map<string, Set<Listener>>();
  private subtree = new Map<string, Set<Listener>>();
  private versions = new Map<string, number>();

  get(id: string): Control | undefined {
    return this.controls.get(id);
  }

  /** Subtree version: bumped whenever the control or any descendant changes. */
  version(id: string): number {
    return this.versions.get(id) ?? 0;
  }

  subscribe(id: string, fn: Listener, deep = false): () => void {
    const map = deep ? this.subtree : this.own;
    let set = map.get(id);
    if (!set) map.set(id, (set = new Set()));
    set.add(fn);
    return () => {
      set!.delete(fn);
      if (set!.size === 0) map.delete(id);
    };
  }

  /** The registerWebClient reply: the whole page. */
  replaceAll(controls: Record<string, Control>) {
    const old = this.controls;
    const next: Controls = new Map();
    const touched = new Set<string>();
    for (const [id, c] of Object.entries(controls ?? {})) {
      const prev = old.get(id);
      // Unchanged records keep their identity, so a reconnect re-renders only what changed.
      if (prev && JSON.stringify(prev) === JSON.stringify(c)) next.set(id, prev);
      else {
        next.set(id, { ...c, c: c.c ?? [] });
        touched.add(id);
      }
    }
    for (const id of old.keys()) if (!next.has(id)) touched.add(id);
    const parents = new Map<string, string>();
    for (const id of touched) {
      const p = (old.get(id) ?? next.get(id))?.p;
      if (p !== undefined) parents.set(id, p);
    }
    this.controls = next;
    this.notify(touched, parents);
  }

  /** A page message from the server. */
  apply(f: Frame): boolean {
    const touched = new Set<string>();
    // A deleted control's ancestors are reached through its parent, which is touched too
    // (its `c` changed), so no parent map is needed here.
    const ok = applyFrame(this.controls, touched, f);
    if (ok) this.notifyWithParents(touched, new Map());
    return ok;
  }

  /** An optimistic local write (the user's own edit, before the server echoes nothing back). */
  applyLocal(props: Props[]) {
    const touched = new Set<string>();
    updateProps(this.controls, touched, props);
    this.notifyWithParents(touched, new Map());
  }

  private notifyWithParents(touched: Set<string>, parents: Map<string, string>) {
    for (const id of touched) {
      const c = this.controls.get(id);
      if (c) parents.set(id, c.p);
    }
    this.notify(touched, parents);
  }

  private notify(touched: Set<string>, parents: Map<string, string>) {
    const calls = new Set<Listener>();
    const bumped = new Set<string>();
    for (const id of touched) {
      this.own.get(id)?.forEach((l) => calls.add(l));
      // Walk up, bumping subtree versions of every ancestor once.
      let cur: string | undefined = id;
      while (cur !== undefined && cur !== "" && !bumped.has(cur)) {
        bumped.add(cur);
        this.versions.set(cur, (this.versions.get(cur) ?? 0) + 1);
        this.subtree.get(cur)?.forEach((l) => calls.add(l));
        cur = this.controls.get(cur)?.p ?? parents.get(cur);
      }
    }
    calls.forEach((l) => l());
  }

  /** A detached copy of a control and all its descendants, with `children` filled. */
  tree(id: string): Control | undefined {
    const c = this.controls.get(id);
    if (!c) return undefined;
    return { ...c, children: (c.c ?? []).map((k) => this.tree(k)).filter((x): x is Control => !!x) };
  }

  size(): number {
    return this.controls.size;
  }
}

export const store = new PageStore();

/** One control's record; re-renders only when that record changes. */
export function useControl(id: string): Control | undefined {
  return useSyncExternalStore(
    (cb) => store.subscribe(id, cb),
    () => store.get(id),
  );
}

/**
 * A control with its whole subtree as detached `children`, for structured controls (grid,
 * dropdown options, menus, charts) that hand Fluent one props object built from their
 * children. Re-renders when anything in the subtree changes.
 */
export function useSubtree(id: string): Control | undefined {
  const cache = useRef<{ v: number; t: Control | undefined } | null>(null);
  return useSyncExternalStore(
    (cb) => store.subscribe(id, cb, true),
    () => {
      const v = store.version(id);
      if (!cache.current || cache.current.v !== v || (cache.current.t === undefined) !== !store.get(id)) {
        cache.current = { v, t: store.tree(id) };
      }
      return cache.current.t;
    },
  );
}

/** Several records at once (a container that sorts its children by type, e.g. dialog body/footer). */
export function useControls(ids: string[]): Control[] {
  const cache = useRef<Control[]>([]);
  return useSyncExternalStore(
    (cb) => {
      const offs = ids.map((id) => store.subscribe(id, cb));
      return () => offs.forEach((o) => o());
    },
    () => {
      const next = ids.map((id) => store.get(id)).filter((x): x is Control => !!x);
      const prev = cache.current;
      if (prev.length === next.length && prev.every((c, i) => c === next[i])) return prev;
      cache.current = next;
      return next;
    },
  );
}
