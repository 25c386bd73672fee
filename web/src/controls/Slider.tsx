// slider: Fluent Slider. Fixed: value/min/max/step are real numbers (the original's
// parseInt turned step=0.1 into 0 and dropped fractions).
import { useEffect, useRef, useState } from "react";
import { Slider as FSlider, type ISliderProps } from "@fluentui/react";
import { num } from "../util/props";
import { commonStyles, fire, isDisabled, isTrue, s, useFocused, type ControlProps, commit } from "./common";

/** Digits after the point of a step, so 0.1 + 0.2 shows as 0.3. */
const decimals = (x: number | undefined) => (x === undefined ? 0 : (String(x).split(".")[1] ?? "").length);

export default function Slider({ control: c, parentDisabled }: ControlProps) {
  const ref = useFocused(c);
  const min = num(s(c, "min")) ?? 0;
  const max = num(s(c, "max")) ?? 10;
  const step = num(s(c, "step"));
  const remote = num(s(c, "value")) ?? min;
  const [value, setValue] = useState(remote);
  useEffect(() => setValue(remote), [remote]);
  const last = useRef(String(remote));
  const fmt = s(c, "valueformat");
  const digits = decimals(step);
  const round = (v: number) => Number(v.toFixed(digits));
  const props: ISliderProps = {
    label: s(c, "label"),
    min,
    max,
    step: step && step > 0 ? step : 1,
    value,
    showValue: isTrue(c.showvalue),
    valueFormat: (v) => (fmt ? fmt.replace("{value}", String(round(v))) : String(round(v))),
    vertical: isTrue(c.vertical),
    originFromZero: min < 0,
    disabled: isDisabled(c, parentDisabled),
    componentRef: ref as ISliderProps["componentRef"],
    styles: { root: commonStyles(c) },
    onChange: (v) => {
      const r = round(v);
      setValue(r);
      const str = String(r);
      if (str === last.current) return;
      last.current = str;
      commit(c, str);
    },
  };
  return (
    <div onFocus={() => fire(c, "focus")} onBlur={() => fire(c, "blur")} data-pglet-id={c.i} style={s(c, "width") || isTrue(c.vertical) ? undefined : { alignSelf: "stretch" }}>
      <FSlider {...props} />
    </div>
  );
}
