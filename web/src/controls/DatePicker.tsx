// datepicker: Fluent DatePicker. The value is any date string `new Date()` reads; the
// user's pick is written back as ISO-8601 UTC (or "" when cleared).
import { DatePicker as FDatePicker, type IDatePickerProps } from "@fluentui/react";
import { defaultPixels } from "../util/props";
import { isDisabled, isTrue, s, useFocused, type ControlProps, commit, focusEvents } from "./common";

export default function DatePicker({ control: c, parentDisabled }: ControlProps) {
  const ref = useFocused(c);
  const raw = s(c, "value");
  const d = raw ? new Date(raw) : undefined;
  const value = d && !isNaN(d.getTime()) ? d : undefined;
  const width = defaultPixels(s(c, "width"));
  const props: IDatePickerProps = {
    label: s(c, "label"),
    placeholder: s(c, "placeholder"),
    isRequired: isTrue(c.required),
    allowTextInput: isTrue(c.allowtextinput),
    underlined: isTrue(c.underlined),
    borderless: isTrue(c.borderless),
    value,
    disabled: isDisabled(c, parentDisabled),
    componentRef: ref as IDatePickerProps["componentRef"],
    styles: { root: { width: width ?? undefined, minWidth: width ? undefined : 200 } },
    textField: { "data-pglet-id": c.i } as IDatePickerProps["textField"],
    onSelectDate: (date) => {
      const v = date ? date.toISOString() : "";
      if (v === (raw ?? "")) return;
      commit(c, v);
    },
    ...focusEvents(c),
  };
  return <FDatePicker {...props} />;
}
