// icon: a Fluent MDL2 icon (font served by pglet itself), with color and size.
import { FontIcon, useTheme } from "@fluentui/react";
import { defaultPixels } from "../util/props";
import { themeColor } from "../util/theme";
import { s, type ControlProps } from "./common";

export default function Icon({ control: c }: ControlProps) {
  const theme = useTheme();
  const size = defaultPixels(s(c, "size"));
  const color = themeColor(theme, s(c, "color"));
  return (
    <FontIcon
      iconName={s(c, "name") ?? ""}
      aria-label={s(c, "name")}
      data-pglet-id={c.i}
      style={{ color, fontSize: size, width: size, height: size, lineHeight: size ? size : undefined, display: "inline-block" }}
    />
  );
}
