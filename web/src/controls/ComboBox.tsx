// combobox: Fluent ComboBox. Single key, a comma-joined list of keys (multiSelect, with an
// optional select-all option) or free text (allowFreeForm; typed values become options).
import { ComboBox as FComboBox, SelectableOptionMenuItemType, type IComboBoxOption, type IComboBoxProps } from "@fluentui/react";
import { useSubtree } from "../store/store";
import { domId } from "../util/props";
import { commonStyles, isDisabled, isTrue, s, useFocused, type ControlProps, commit as commitValue, focusEvents } from "./common";
import { options } from "./options";

const splitKeys = (v: string | undefined) => (v ? v.split(",").map((x) => x.trim()).filter(Boolean) : []);

export default function ComboBox({ control, parentDisabled }: ControlProps) {
  const tree = useSubtree(control.i);
  const c = control.children ? control : (tree ?? control);
  const ref = useFocused(c);
  const multi = isTrue(c.multiselect);
  const free = isTrue(c.allowfreeform);
  const value = s(c, "value");
  const opts: IComboBoxOption[] = options(c).map((o) => ({ key: o.key, text: o.text, itemType: o.itemType, disabled: o.disabled }));
  const selectable = opts.filter((o) => (o.itemType ?? SelectableOptionMenuItemType.Normal) === SelectableOptionMenuItemType.Normal && !o.disabled);
  const selected = multi ? splitKeys(value) : value !== undefined ? [value] : [];
  // Free-form values that are not options yet are shown as extra options.
  if (free) for (const k of selected) if (!opts.some((o) => String(o.key) === k)) opts.push({ key: k, text: k });
  const selectAll = opts.find((o) => o.itemType === SelectableOptionMenuItemType.SelectAll);
  const allOn = multi && selectable.length > 0 && selectable.every((o) => selected.includes(String(o.key)));
  const selectedKey: string[] | string | null = multi ? [...selected, ...(allOn && selectAll ? [String(selectAll.key)] : [])] : (selected[0] ?? null);
  const commit = (v: string) => commitValue(c, v);
  const props: IComboBoxProps = {
    id: domId(c.i),
    label: s(c, "label"),
    placeholder: s(c, "placeholder"),
    errorMessage: s(c, "errormessage"),
    options: opts,
    selectedKey,
    multiSelect: multi,
    allowFreeform: free,
    autoComplete: c.autocomplete !== undefined && !isTrue(c.autocomplete) ? "off" : "on",
    disabled: isDisabled(c, parentDisabled),
    componentRef: ref as IComboBoxProps["componentRef"],
    styles: { root: commonStyles(c), container: commonStyles(c, ["width"]) },
    onChange: (_e, option, _index, text) => {
      if (!option) {
        if (free && text !== undefined) {
          commit(multi ? [...selected, text].join(",") : text);
        }
        return;
      }
      const key = String(option.key);
      if (!multi) return commit(key);
      if (option.itemType === SelectableOptionMenuItemType.SelectAll) {
        return commit(allOn ? "" : selectable.map((o) => String(o.key)).join(","));
      }
      const next = option.selected ? [...selected.filter((k) => k !== key), key] : selected.filter((k) => k !== key);
      commit(next.join(","));
    },
    ...focusEvents(c),
  };
  return <FComboBox {...props} />;
}
