// text: plain (Fluent Text with size variants and styles) or GitHub-flavoured Markdown.
import { lazy, Suspense } from "react";
import { Text as FText, useTheme, type ITextProps } from "@fluentui/react";
import { borderStyles, commonStyles, isTrue, s, type ControlProps } from "./common";
import { themeColor } from "../util/theme";
import type { Control } from "../store/types";
import type { Theme } from "@fluentui/react";

const Markdown = lazy(() => import("./Markdown"));

const variants = new Set(["tiny", "xSmall", "small", "smallPlus", "medium", "mediumPlus", "large", "xLarge", "xxLarge", "superLarge", "mega"]);
const variantByLower = new Map([...variants].map((v) => [v.toLowerCase(), v]));

/** Border, text and background styles of text-like controls. */
export function textStyles(c: Control, theme: Theme): Record<string, string> {
  const st: Record<string, string> = { ...commonStyles(c) };
  const color = themeColor(theme, s(c, "color"));
  const bg = themeColor(theme, s(c, "bgcolor"));
  if (color) st.color = color;
  if (bg) st.backgroundColor = bg;
  if (isTrue(c.bold)) st.fontWeight = "600";
  if (isTrue(c.italic)) st.fontStyle = "italic";
  const align = s(c, "align");
  if (align) st.textAlign = align;
  const border = s(c, "border");
  if (border) st.border = border;
  return { ...st, ...borderStyles(c, theme) };
}

export default function Text({ control: c }: ControlProps) {
  const theme = useTheme();
  const value = s(c, "value") ?? "";
  if (isTrue(c.markdown)) {
    return (
      <Suspense fallback={null}>
        <Markdown id={c.i} value={value} style={commonStyles(c)} />
      </Suspense>
    );
  }
  const st = textStyles(c, theme);
  const va = (s(c, "verticalalign") ?? "").toLowerCase();
  if (va) {
    st.display = "inline-flex";
    st.alignItems = va === "top" ? "flex-start" : va === "bottom" ? "flex-end" : "center";
  }
  const size = s(c, "size");
  // Fixed: nowrap/block are booleans ("false" no longer counts as true).
  const props: ITextProps = {
    variant: size ? (variantByLower.get(size.toLowerCase()) as ITextProps["variant"]) : undefined,
    nowrap: isTrue(c.nowrap),
    block: isTrue(c.block),
    styles: { root: st },
  };
  if (isTrue(c.pre)) {
    return (
      <FText {...props} data-pglet-id={c.i}>
        <pre style={{ margin: 0, whiteSpace: "pre", overflowX: "auto", fontFamily: "Consolas, Menlo, Monaco, monospace" }}>{value}</pre>
      </FText>
    );
  }
  return (
    <FText {...props} data-pglet-id={c.i}>
      {value}
    </FText>
  );
}
