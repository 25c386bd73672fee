// spinner: Fluent Spinner with size and label position.
import { Spinner as FSpinner, SpinnerSize, type SpinnerLabelPosition } from "@fluentui/react";
import { commonStyles, s, type ControlProps } from "./common";

const sizes: Record<string, SpinnerSize> = {
  xsmall: SpinnerSize.xSmall,
  small: SpinnerSize.small,
  medium: SpinnerSize.medium,
  large: SpinnerSize.large,
};

export default function Spinner({ control: c }: ControlProps) {
  const pos = (s(c, "labelposition") ?? "bottom").toLowerCase();
  return (
    <FSpinner
      size={sizes[(s(c, "size") ?? "medium").toLowerCase()] ?? SpinnerSize.medium}
      label={s(c, "label")}
      labelPosition={(["top", "right", "bottom", "left"].includes(pos) ? pos : "bottom") as SpinnerLabelPosition}
      styles={{ root: commonStyles(c) }}
      data-pglet-id={c.i}
    />
  );
}
