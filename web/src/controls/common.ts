// What every control shares: its props type, common sizes, disabled inheritance, focus,
// event data and the write-back target (with the grid's `f` redirect).
import { useEffect, useRef } from "react";
import type { Theme } from "@fluentui/react";
import type { Control, Props } from "../store/types";
import { themeColor } from "../util/theme";
import { defaultPixels, isTrue, str } from "../util/props";
import { sendEvent, writeProps } from "../conn/connection";

export interface ControlProps {
  control: Control;
  parentDisabled: boolean;
}

export const s = (c: Control, k: string): string | undefined => str(c[k]);

/** width/height/padding/margin as CSS, bare numbers in px (controls.md section 3). */
export function commonStyles(c: Control, which: ("width" | "height" | "padding" | "margin")[] = ["width", "height", "padding", "margin"]) {
  const out: Record<string, string> = {};
  for (const k of which) {
    const v = defaultPixels(s(c, k));
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export const isDisabled = (c: Control, parentDisabled: boolean) => parentDisabled || isTrue(c.disabled);

/** Event data of a value event: `data|value` when the control has `data`. */
export function valueData(c: Control, value: string): string {
  const d = s(c, "data");
  return d !== undefined ? `${d}|${value}` : value;
}

/** Writes a user's new value: to the control itself, or through the grid's `f` redirect. */
export function writeValue(c: Control, value: string, prop = "value") {
  const p: Props = { i: c.i };
  if (c.f && prop === "value") {
    const [target, field] = String(c.f).split("|");
    p.i = target;
    p[field] = value;
  } else {
    p[prop] = value;
  }
  writeProps([p]);
}

/** A user's new value: written back, then the `change` event (data convention of section 0). */
export function commit(c: Control, value: string) {
  writeValue(c, value);
  sendEvent(c.i, "change", valueData(c, value));
}

/** `focus`/`blur` events with the control's data. */
export const focusEvents = (c: Control) => ({ onFocus: () => fire(c, "focus"), onBlur: () => fire(c, "blur") });

/** CSS border from borderStyle/Width/Color/Radius (colors by theme name). */
export function borderStyles(c: Control, theme: Theme): Record<string, string> {
  const out: Record<string, string> = {};
  const bs = s(c, "borderstyle"), bw = defaultPixels(s(c, "borderwidth")), bc = themeColor(theme, s(c, "bordercolor")), br = defaultPixels(s(c, "borderradius"));
  if (bs) out.borderStyle = bs;
  if (bw) out.borderWidth = bw;
  if (bc) out.borderColor = bc;
  if (br) out.borderRadius = br;
  return out;
}

/** Fires `name` on the control with its `data` (click/focus/blur convention). */
export const fire = (c: Control, name: string, data = s(c, "data") ?? "") => sendEvent(c.i, name, data);

/** Focus the element once when `focused` becomes true (a flag stops it repeating). */
export function useFocused(c: Control) {
  const ref = useRef<{ focus: () => void } | null>(null);
  const done = useRef(false);
  const want = isTrue(c.focused);
  useEffect(() => {
    if (want && !done.current && ref.current) {
      done.current = true;
      ref.current.focus();
    }
    if (!want) done.current = false;
  }, [want]);
  return ref;
}

export { isTrue, defaultPixels, str };
