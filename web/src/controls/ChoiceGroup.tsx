// choicegroup: Fluent ChoiceGroup (radio buttons); `change` → the option key.
import { ChoiceGroup as FChoiceGroup, useTheme, type IChoiceGroupProps } from "@fluentui/react";
import { useSubtree } from "../store/store";
import { domId, str } from "../util/props";
import { themeColor } from "../util/theme";
import { commonStyles, isDisabled, s, useFocused, type ControlProps, commit, focusEvents } from "./common";
import { options } from "./options";

export default function ChoiceGroup({ control, parentDisabled }: ControlProps) {
  const theme = useTheme();
  const tree = useSubtree(control.i);
  const c = control.children ? control : (tree ?? control);
  const ref = useFocused(c);
  const props: IChoiceGroupProps = {
    id: domId(c.i),
    label: s(c, "label"),
    selectedKey: s(c, "value") ?? null,
    // Fixed: per-option `disabled` is honoured (the original ignored it).
    options: options(c).map((o) => {
      const icon = str(o.record.icon);
      const color = themeColor(theme, str(o.record.iconcolor));
      return {
        key: o.key,
        text: o.text,
        disabled: o.disabled,
        iconProps: icon ? { iconName: icon, style: color ? { color } : undefined } : undefined,
      };
    }),
    disabled: isDisabled(c, parentDisabled),
    componentRef: ref as IChoiceGroupProps["componentRef"],
    styles: { root: commonStyles(c) },
    onChange: (_e, o) => {
      if (!o) return;
      const v = String(o.key);
      commit(c, v);
    },
    ...focusEvents(c),
  };
  return <FChoiceGroup {...props} />;
}
