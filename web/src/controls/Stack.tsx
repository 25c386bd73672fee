// stack: the layout primitive (Fluent Stack), with Enter-to-submit and auto-scroll.
import { useEffect } from "react";
import { Stack as FStack, useTheme, type IStackProps } from "@fluentui/react";
import { Children } from "./ControlsList";
import { borderStyles, commonStyles, defaultPixels, fire, isDisabled, isTrue, s, type ControlProps } from "./common";
import { themeColor } from "../util/theme";
import type { Control } from "../store/types";
import type { Theme } from "@fluentui/react";

type Align = IStackProps["horizontalAlign"];

/** Styles shared by stack and page: alignment, gap, sizes, border, background. */
export function stackProps(c: Control, theme: Theme, defaults: { gap?: string; padding?: string; width?: string } = {}): IStackProps {
  const root: Record<string, string> = { ...commonStyles(c) };
  if (!root.padding && defaults.padding) root.padding = defaults.padding;
  if (!root.width && defaults.width) root.width = defaults.width;
  for (const k of ["minWidth", "maxWidth", "minHeight", "maxHeight"]) {
    const v = defaultPixels(s(c, k.toLowerCase()));
    if (v) root[k] = v;
  }
  const bg = themeColor(theme, s(c, "bgcolor"));
  if (bg) root.backgroundColor = bg;
  Object.assign(root, borderStyles(c, theme));
  if (root.borderRadius && parseFloat(root.borderRadius) !== 0) root.overflow = "hidden";
  if (isTrue(c.scrollx)) root.overflowX = "auto";
  if (isTrue(c.scrolly)) root.overflowY = "auto";
  const gap = s(c, "gap") ?? defaults.gap ?? "10";
  return {
    horizontal: isTrue(c.horizontal),
    verticalFill: isTrue(c.verticalfill),
    horizontalAlign: s(c, "horizontalalign") as Align,
    verticalAlign: s(c, "verticalalign") as Align,
    wrap: isTrue(c.wrap),
    tokens: { childrenGap: defaultPixels(gap) },
    styles: { root },
  };
}

/** Enter in an input inside the stack fires `submit` (multiline boxes only with shiftEnter). */
export function onSubmitKey(c: Control) {
  return (e: React.KeyboardEvent) => {
    if (e.key !== "Enter" || e.nativeEvent.isComposing) return;
    const t = e.target as HTMLElement;
    if (t.tagName === "TEXTAREA") {
      if (!t.hasAttribute("data-shift-enter") || e.shiftKey) return;
    } else if (t.tagName !== "INPUT") return;
    if ((t as HTMLInputElement).type === "checkbox" || t.getAttribute("role") === "combobox") return;
    fire(c, "submit");
  };
}

/** Keeps a scrolled container at its bottom as content is added (chat logs). */
export function useAutoScroll(on: boolean, id: string) {
  useEffect(() => {
    // Fluent's Stack forwards no ref; its root carries our data attribute instead.
    const el = document.querySelector<HTMLElement>(`[data-pglet-id="${CSS.escape(id)}"]`);
    if (!on || !el) return;
    const bottom = () => (el.scrollTop = el.scrollHeight);
    bottom();
    const mo = new MutationObserver(bottom);
    mo.observe(el, { childList: true, subtree: true, characterData: true });
    return () => mo.disconnect();
  }, [on, id]);
}

export default function Stack({ control: c, parentDisabled }: ControlProps) {
  const theme = useTheme();
  const disabled = isDisabled(c, parentDisabled);
  useAutoScroll(isTrue(c.autoscroll), c.i);
  const submit = isTrue(c.onsubmit);
  return (
    <FStack {...stackProps(c, theme)} onKeyDown={submit ? onSubmitKey(c) : undefined} data-pglet-id={c.i}>
      <Children control={c} parentDisabled={disabled} />
    </FStack>
  );
}
