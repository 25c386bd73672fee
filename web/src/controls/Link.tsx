// link: Fluent Link; child controls replace the text. `click` fires even with a url.
import { Link as FLink, useTheme } from "@fluentui/react";
import { domId } from "../util/props";
import { Children } from "./ControlsList";
import { defaultPixels, fire, isDisabled, isTrue, s, type ControlProps } from "./common";
import { textStyles } from "./Text";

export default function Link({ control: c, parentDisabled }: ControlProps) {
  const theme = useTheme();
  const disabled = isDisabled(c, parentDisabled);
  const st = textStyles(c, theme);
  // `size` is a CSS font-size (px added to bare numbers), as in the original client; the
  // Fluent variant names the docs promised (`large`...) work too.
  const raw = s(c, "size");
  const variant = raw ? Object.entries(theme.fonts).find(([k]) => k.toLowerCase() === raw.toLowerCase())?.[1] : undefined;
  const size = variant ? String(variant.fontSize) : defaultPixels(raw);
  if (size) st.fontSize = size;
  const hasKids = (c.children ?? c.c ?? []).length > 0;
  const url = s(c, "url");
  const text = s(c, "value") ?? "";
  return (
    <FLink
      id={domId(c.i)}
      href={url}
      target={isTrue(c.newwindow) ? "_blank" : undefined}
      rel={isTrue(c.newwindow) ? "noopener noreferrer" : undefined}
      title={s(c, "title")}
      disabled={disabled}
      styles={{ root: st }}
      onClick={() => fire(c, "click")}
    >
      {hasKids ? <Children control={c} parentDisabled={disabled} /> : isTrue(c.pre) ? <pre style={{ margin: 0 }}>{text}</pre> : text}
    </FLink>
  );
}
