// dropdown: Fluent Dropdown, single selection; `change` → the option key.
import { Dropdown as FDropdown, type IDropdownProps } from "@fluentui/react";
import { useSubtree } from "../store/store";
import { domId } from "../util/props";
import { commonStyles, isDisabled, s, useFocused, type ControlProps, commit, focusEvents } from "./common";
import { options } from "./options";

export default function Dropdown({ control, parentDisabled }: ControlProps) {
  const tree = useSubtree(control.i);
  const c = control.children ? control : (tree ?? control);
  const ref = useFocused(c);
  const opts = options(c);
  const props: IDropdownProps = {
    id: domId(c.f ? String(c.f) : c.i),
    label: s(c, "label"),
    placeholder: s(c, "placeholder"),
    errorMessage: s(c, "errormessage"),
    // `null` (not undefined) keeps Fluent controlled when nothing is selected.
    selectedKey: s(c, "value") ?? null,
    options: opts.map((o) => ({ key: o.key, text: o.text, itemType: o.itemType, disabled: o.disabled })),
    disabled: isDisabled(c, parentDisabled),
    componentRef: ref as IDropdownProps["componentRef"],
    styles: { root: commonStyles(c) },
    onChange: (_e, o) => {
      if (!o) return;
      const v = String(o.key);
      commit(c, v);
    },
    ...focusEvents(c),
  };
  return <FDropdown {...props} />;
}
