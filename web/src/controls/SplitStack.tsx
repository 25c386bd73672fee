// splitstack: resizable panes (split.js); each child is one pane. Dragging writes each
// child's width (horizontal) or height (vertical) as "NN.N%" and fires `resize`.
import { useEffect, useRef } from "react";
import { useTheme } from "@fluentui/react";
import Split from "split.js";
import { useControls } from "../store/store";
import { int, isTrue, num } from "../util/props";
import { themeColor } from "../util/theme";
import { sendEvent, writeProps } from "../conn/connection";
import { RecordList } from "./ControlsList";
import { isDisabled, s, type ControlProps } from "./common";

export default function SplitStack({ control: c, parentDisabled }: ControlProps) {
  const theme = useTheme();
  const records = useControls(c.children ? [] : (c.c ?? []));
  const panes = (c.children ?? records).filter((x) => x.visible !== "false");
  const horizontal = isTrue(c.horizontal);
  const dim = horizontal ? "width" : "height";
  const ref = useRef<HTMLDivElement>(null);
  const gutter = int(s(c, "guttersize")) ?? 4;
  const colors = {
    base: themeColor(theme, s(c, "guttercolor")) ?? "transparent",
    hover: themeColor(theme, s(c, "gutterhovercolor")) ?? theme.palette.themeLighter,
    drag: themeColor(theme, s(c, "gutterdragcolor")) ?? theme.palette.themeTertiary,
  };
  const paneKey = panes.map((p) => p.i).join(",");
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const els = Array.from(el.children).filter((x) => x.classList.contains("pglet-pane")) as HTMLElement[];
    if (els.length < 2) return;
    const given = panes.map((p) => num(String(p[dim] ?? "").replace("%", "")));
    const rest = 100 - given.reduce<number>((a, v) => a + (v ?? 0), 0);
    const unknown = given.filter((v) => v === undefined).length;
    const sizes = given.map((v) => v ?? (unknown ? rest / unknown : 100 / panes.length));
    const split = Split(els, {
      direction: horizontal ? "horizontal" : "vertical",
      sizes,
      gutterSize: gutter,
      minSize: panes.map((p) => num(String(p[horizontal ? "minwidth" : "minheight"] ?? "")) ?? 30),
      gutter: () => {
        const g = document.createElement("div");
        g.className = "pglet-gutter";
        g.style.background = colors.base;
        g.style.cursor = horizontal ? "col-resize" : "row-resize";
        g.onmouseenter = () => (g.style.background = colors.hover);
        g.onmouseleave = () => (g.style.background = colors.base);
        return g;
      },
      onDragStart: () => el.querySelectorAll<HTMLElement>(".pglet-gutter").forEach((g) => (g.style.background = colors.drag)),
      onDragEnd: (sz) => {
        el.querySelectorAll<HTMLElement>(".pglet-gutter").forEach((g) => (g.style.background = colors.base));
        const pct = sz.map((x) => `${x.toFixed(1)}%`);
        writeProps(panes.map((p, i) => ({ i: p.i, [dim]: pct[i] })));
        sendEvent(c.i, "resize", sz.map((x) => x.toFixed(1)).join(","));
      },
    });
    return () => split.destroy();
    // Split.js is set up per set of panes, as the original (sizes then live in the DOM).
  }, [paneKey, horizontal]); // eslint-disable-line react-hooks/exhaustive-deps
  const disabled = isDisabled(c, parentDisabled);
  return (
    <div
      ref={ref}
      data-pglet-id={c.i}
      style={{
        display: "flex",
        flexDirection: horizontal ? "row" : "column",
        width: s(c, "width") ?? "100%",
        height: s(c, "height") ?? (horizontal ? undefined : "100%"),
        margin: s(c, "margin"),
        padding: s(c, "padding"),
      }}
    >
      {panes.map((p) => (
        <div key={p.i} className="pglet-pane" style={{ overflow: "auto", display: "flex", flexDirection: "column" }}>
          <RecordList list={[p]} parentDisabled={disabled} detached={!!c.children} />
        </div>
      ))}
    </div>
  );
}
