// searchbox: Fluent SearchBox. Value written back on every keystroke; `search` on Enter,
// `clear` on the X or Esc, `change` only when the host asked for it.
import { SearchBox as FSearchBox, useTheme, type ISearchBoxProps } from "@fluentui/react";
import { domId } from "../util/props";
import { themeColor } from "../util/theme";
import { sendEvent } from "../conn/connection";
import { commonStyles, fire, isDisabled, isTrue, s, useFocused, valueData, writeValue, type ControlProps, focusEvents } from "./common";
import { useLocalValue } from "./Textbox";

export default function SearchBox({ control: c, parentDisabled }: ControlProps) {
  const theme = useTheme();
  const ref = useFocused(c);
  const [value, setValue] = useLocalValue(s(c, "value") ?? "");
  const icon = s(c, "icon");
  const iconColor = themeColor(theme, s(c, "iconcolor"));
  const props: ISearchBoxProps = {
    id: domId(c.i),
    value,
    placeholder: s(c, "placeholder"),
    underlined: isTrue(c.underlined),
    disabled: isDisabled(c, parentDisabled),
    componentRef: ref as ISearchBoxProps["componentRef"],
    iconProps: icon || iconColor ? { iconName: icon ?? "Search", style: iconColor ? { color: iconColor } : undefined } : undefined,
    styles: { root: commonStyles(c) },
    onChange: (_e, v) => {
      const nv = v ?? "";
      setValue(nv);
      writeValue(c, nv);
      if (isTrue(c.onchange)) sendEvent(c.i, "change", valueData(c, nv));
    },
    onSearch: (v) => sendEvent(c.i, "search", v ?? ""),
    onClear: () => fire(c, "clear"),
    ...focusEvents(c),
  };
  return <FSearchBox {...props} />;
}
