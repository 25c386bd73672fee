// image: Fluent Image with fit modes and a border.
import { Image as FImage, ImageFit, useTheme } from "@fluentui/react";
import { defaultPixels, isTrue } from "../util/props";
import { borderStyles, s, type ControlProps } from "./common";

const fits: Record<string, ImageFit> = {
  none: ImageFit.none,
  contain: ImageFit.contain,
  cover: ImageFit.cover,
  center: ImageFit.center,
  centercontain: ImageFit.centerContain,
  centercover: ImageFit.centerCover,
};

export default function Image({ control: c }: ControlProps) {
  const theme = useTheme();
  const root = borderStyles(c, theme);
  const fit = s(c, "fit");
  return (
    <FImage
      src={s(c, "src")}
      alt={s(c, "alt")}
      title={s(c, "title")}
      width={defaultPixels(s(c, "width"))}
      height={defaultPixels(s(c, "height"))}
      imageFit={fit ? fits[fit.toLowerCase()] : undefined}
      maximizeFrame={isTrue(c.maximizeframe)}
      styles={{ root }}
      data-pglet-id={c.i}
    />
  );
}
