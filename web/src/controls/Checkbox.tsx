// checkbox: Fluent Checkbox; `change` → "true"/"false" (no focus/blur, as the original).
import { Checkbox as FCheckbox, type ICheckboxProps } from "@fluentui/react";
import { domId } from "../util/props";
import { commonStyles, isDisabled, isTrue, s, useFocused, type ControlProps, commit } from "./common";

export default function Checkbox({ control: c, parentDisabled }: ControlProps) {
  const ref = useFocused(c);
  const props: ICheckboxProps = {
    id: domId(c.f ? String(c.f) : c.i),
    checked: isTrue(c.value),
    label: s(c, "label"),
    boxSide: (s(c, "boxside") ?? "").toLowerCase() === "end" ? "end" : "start",
    disabled: isDisabled(c, parentDisabled),
    componentRef: ref as ICheckboxProps["componentRef"],
    styles: { root: commonStyles(c) },
    onChange: (_e, checked) => {
      const v = checked ? "true" : "false";
      commit(c, v);
    },
  };
  return <FCheckbox {...props} />;
}
