// iframe: an embedded page (width/height as attributes, no border by default).
import { useTheme } from "@fluentui/react";
import { defaultPixels } from "../util/props";
import { themeColor } from "../util/theme";
import { s, type ControlProps } from "./common";

export default function IFrame({ control: c }: ControlProps) {
  const theme = useTheme();
  return (
    <iframe
      data-pglet-id={c.i}
      src={s(c, "src")}
      title={s(c, "title") ?? c.i}
      width={defaultPixels(s(c, "width"))}
      height={defaultPixels(s(c, "height"))}
      style={{
        borderStyle: s(c, "borderstyle") ?? "none",
        borderWidth: defaultPixels(s(c, "borderwidth")),
        borderColor: themeColor(theme, s(c, "bordercolor")),
        borderRadius: defaultPixels(s(c, "borderradius")),
      }}
    />
  );
}
