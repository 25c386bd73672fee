// `option` children of dropdown, combobox and choicegroup.
import { SelectableOptionMenuItemType } from "@fluentui/react";
import type { Control } from "../store/types";
import { isTrue, str } from "../util/props";
import { kids } from "./menu";

export interface Option {
  key: string;
  text: string;
  itemType: SelectableOptionMenuItemType;
  disabled: boolean;
  record: Control;
}

const types: Record<string, SelectableOptionMenuItemType> = {
  divider: SelectableOptionMenuItemType.Divider,
  header: SelectableOptionMenuItemType.Header,
  selectall: SelectableOptionMenuItemType.SelectAll,
  select_all: SelectableOptionMenuItemType.SelectAll,
};

export function options(c: Control | undefined): Option[] {
  return kids(c, "option").map((o) => {
    const key = str(o.key) ?? str(o.text) ?? o.i;
    return {
      key,
      text: str(o.text) ?? key,
      itemType: types[(str(o.itemtype) ?? "").toLowerCase()] ?? SelectableOptionMenuItemType.Normal,
      disabled: isTrue(o.disabled),
      record: o,
    };
  });
}
