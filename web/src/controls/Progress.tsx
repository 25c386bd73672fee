// progress: Fluent ProgressIndicator; no value = an endless "busy" bar.
import { ProgressIndicator } from "@fluentui/react";
import { num } from "../util/props";
import { commonStyles, s, type ControlProps } from "./common";

export default function Progress({ control: c }: ControlProps) {
  const v = num(s(c, "value"));
  const h = num(s(c, "barheight"));
  return (
    <ProgressIndicator
      label={s(c, "label")}
      description={s(c, "description")}
      percentComplete={v === undefined ? undefined : Math.max(0, Math.min(100, v)) / 100}
      barHeight={h}
      styles={{ root: commonStyles(c) }}
      data-pglet-id={c.i}
    />
  );
}
