// toggle: Fluent Toggle; `change` → "true"/"false", plus focus/blur.
import { Toggle as FToggle, type IToggleProps } from "@fluentui/react";
import { domId } from "../util/props";
import { commonStyles, isDisabled, isTrue, s, useFocused, type ControlProps, commit, focusEvents } from "./common";

export default function Toggle({ control: c, parentDisabled }: ControlProps) {
  const ref = useFocused(c);
  const props: IToggleProps = {
    id: domId(c.f ? String(c.f) : c.i),
    checked: isTrue(c.value),
    label: s(c, "label"),
    inlineLabel: isTrue(c.inline),
    onText: s(c, "ontext"),
    offText: s(c, "offtext"),
    disabled: isDisabled(c, parentDisabled),
    componentRef: ref as IToggleProps["componentRef"],
    styles: { root: commonStyles(c) },
    onChange: (_e, checked) => {
      const v = checked ? "true" : "false";
      commit(c, v);
    },
    ...focusEvents(c),
  };
  return <FToggle {...props} />;
}
