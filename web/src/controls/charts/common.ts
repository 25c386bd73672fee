// Chart helpers: `data` series and `p` points, value formats and the container size.
import { useEffect, useRef, useState } from "react";
import type { Control } from "../../store/types";
import { num, str } from "../../util/props";
import { kids } from "../menu";
import { useSubtree } from "../../store/store";

export const series = (c: Control) => kids(c, "data");
export const points = (d: Control | undefined) => kids(d, "p");

/** A number or the string as given (x values may be either). */
export const numOrStr = (v: unknown) => {
  const n = num(str(v));
  return n === undefined ? (str(v) ?? "") : n;
};

/** `{y}` template formatter. */
export const yFormat = (fmt: string | undefined) => (fmt ? (y: number | string) => fmt.replace("{y}", String(y)) : undefined);

/** A chart's record with its `data`/`p` subtree (detached, or from the store). */
export function useChart(control: Control): Control {
  const tree = useSubtree(control.i);
  return control.children ? control : (tree ?? control);
}

/** Width of the wrapping div (charts need pixels); follows the layout. */
export function useWidth() {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setW(Math.floor(el.clientWidth)));
    ro.observe(el);
    setW(Math.floor(el.clientWidth));
    return () => ro.disconnect();
  }, []);
  return [ref, w] as const;
}

/** Cycles a default palette when points have no color. */
export const cycle = (list: string[], i: number) => list[i % list.length];
