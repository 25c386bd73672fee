// spinbutton: Fluent SpinButton. Fixed: the value is controlled, so later `set` commands
// from the host show (the original passed it only as the initial value).
import { useEffect, useState } from "react";
import { Position, SpinButton as FSpinButton, type ISpinButtonProps } from "@fluentui/react";
import { num } from "../util/props";
import { commonStyles, isDisabled, s, useFocused, type ControlProps, commit as commitValue, focusEvents } from "./common";

const positions: Record<string, Position> = { left: Position.start, top: Position.top, right: Position.end, bottom: Position.bottom };

export default function SpinButton({ control: c, parentDisabled }: ControlProps) {
  const ref = useFocused(c);
  const min = num(s(c, "min"));
  const max = num(s(c, "max"));
  const step = num(s(c, "step")) ?? 1;
  const remote = s(c, "value") ?? String(min ?? 0);
  const [value, setValue] = useState(remote);
  useEffect(() => setValue(remote), [remote]);
  const digits = (String(step).split(".")[1] ?? "").length;
  const clamp = (v: number) => Math.min(max ?? Infinity, Math.max(min ?? -Infinity, v));
  const commit = (v: number) => {
    const str = String(Number(clamp(v).toFixed(digits)));
    setValue(str);
    if (str === (s(c, "value") ?? "")) return str;
    commitValue(c, str);
    return str;
  };
  const props: ISpinButtonProps = {
    label: s(c, "label"),
    labelPosition: positions[(s(c, "labelposition") ?? "left").toLowerCase()] ?? Position.start,
    value,
    min,
    max,
    step,
    iconProps: s(c, "icon") ? { iconName: s(c, "icon") } : undefined,
    disabled: isDisabled(c, parentDisabled),
    componentRef: ref as ISpinButtonProps["componentRef"],
    styles: { root: commonStyles(c) },
    onIncrement: (v) => commit((Number(v) || 0) + step),
    onDecrement: (v) => commit((Number(v) || 0) - step),
    onValidate: (v) => {
      const n = Number(v);
      return Number.isFinite(n) ? commit(n) : value;
    },
    ...focusEvents(c),
  };
  return <FSpinButton {...props} data-pglet-id={c.i} />;
}
