// textbox: Fluent TextField. The value is written back on every keystroke (so `get` sees
// what the user typed); the `change` event only when the host asked for it (`onChange`).
import { useEffect, useState } from "react";
import { TextField, useTheme, type ITextFieldProps } from "@fluentui/react";
import { domId, int } from "../util/props";
import { themeColor } from "../util/theme";
import { commonStyles, isDisabled, isTrue, s, useFocused, valueData, writeValue, type ControlProps, focusEvents } from "./common";
import { sendEvent } from "../conn/connection";

/** Local value that follows the server's, so typing stays smooth while write-backs fly. */
export function useLocalValue(remote: string): [string, (v: string) => void] {
  const [v, setV] = useState(remote);
  useEffect(() => setV(remote), [remote]);
  return [v, setV];
}

export default function Textbox({ control: c, parentDisabled }: ControlProps) {
  const theme = useTheme();
  const ref = useFocused(c);
  const [value, setValue] = useLocalValue(s(c, "value") ?? "");
  const multiline = isTrue(c.multiline);
  const icon = s(c, "icon");
  const iconColor = themeColor(theme, s(c, "iconcolor"));
  const align = s(c, "align");
  const rows = int(s(c, "rows"));
  const props: ITextFieldProps = {
    id: domId(c.f ? String(c.f) : c.i),
    value,
    label: s(c, "label"),
    placeholder: s(c, "placeholder"),
    description: s(c, "description"),
    errorMessage: s(c, "errormessage"),
    prefix: s(c, "prefix"),
    suffix: s(c, "suffix"),
    multiline,
    rows,
    autoAdjustHeight: isTrue(c.autoadjustheight),
    resizable: c.resizable !== undefined ? isTrue(c.resizable) : undefined,
    type: isTrue(c.password) ? "password" : undefined,
    canRevealPassword: isTrue(c.password),
    required: isTrue(c.required),
    readOnly: isTrue(c.readonly),
    underlined: isTrue(c.underlined),
    borderless: isTrue(c.borderless),
    disabled: isDisabled(c, parentDisabled),
    componentRef: ref as ITextFieldProps["componentRef"],
    styles: {
      root: commonStyles(c),
      field: { textAlign: align as "left" | "right" | "center" | undefined, minHeight: multiline && rows === 1 ? 30 : undefined },
      icon: iconColor ? { color: iconColor } : undefined,
    },
    onChange: (_e, v) => {
      const nv = v ?? "";
      setValue(nv);
      writeValue(c, nv);
      if (isTrue(c.onchange)) sendEvent(c.i, "change", valueData(c, nv));
    },
    ...focusEvents(c),
  };
  if (icon) props.iconProps = { iconName: icon };
  if (multiline && isTrue(c.shiftenter)) {
    // The stack's submit handler lets Shift+Enter make a new line and Enter submit.
    (props as Record<string, unknown>)["data-shift-enter"] = "true";
    props.onKeyDown = (e) => {
      if (e.key === "Enter" && !e.shiftKey) e.preventDefault();
    };
  }
  return <TextField {...props} />;
}
