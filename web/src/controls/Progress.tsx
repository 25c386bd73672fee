// progress: Fluent ProgressIndicator; no value = an endless "busy" bar.
import { ProgressIndicator } from "@fluentui/react";
import { num } from "../util/props";
import { commonStyles, s, type ControlProps } from "./common";

export default function Progress({ control: c }: ControlProps) {
  const v = num(s(c, "value"));
  const h = num(s(c, "barheight"));
  const root: Record<string, string> = commonStyles(c);
  // Without a width, a bar in a start-aligned stack would shrink to its label: stretch it.
  if (!root.width) root.alignSelf = "stretch";
  return (
    <div data-pglet-id={c.i} style={{ alignSelf: root.alignSelf }}>
    <ProgressIndicator
      label={s(c, "label")}
      description={s(c, "description")}
      percentComplete={v === undefined ? undefined : Math.max(0, Math.min(100, v)) / 100}
      barHeight={h}
      styles={{ root }}
    />
    </div>
  );
}
