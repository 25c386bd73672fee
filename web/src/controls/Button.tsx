// button: every Fluent button style, with an optional (split) menu of `item` children.
import {
  ActionButton,
  CommandBarButton,
  CompoundButton,
  DefaultButton,
  IconButton,
  PrimaryButton,
  useTheme,
  type IButtonProps,
} from "@fluentui/react";
import { useSubtree } from "../store/store";
import { domId } from "../util/props";
import { themeColor } from "../util/theme";
import { commonStyles, fire, isDisabled, isTrue, s, useFocused, type ControlProps, focusEvents } from "./common";
import { kids, menuItems } from "./menu";

export default function Button({ control, parentDisabled }: ControlProps) {
  const theme = useTheme();
  const tree = useSubtree(control.i);
  const c = control.children ? control : (tree ?? control);
  const focusRef = useFocused(c);
  const disabled = isDisabled(c, parentDisabled);
  const items = kids(c, "item");
  const icon = s(c, "icon");
  const iconColor = themeColor(theme, s(c, "iconcolor"));
  const toolbar = isTrue(c.toolbar);
  const root = commonStyles(c);
  if (toolbar && !root.height) root.height = "40px";
  let text = s(c, "text");
  const compound = isTrue(c.compound);
  const primary = isTrue(c.primary);
  const iconOnly = !compound && !toolbar && !primary && !isTrue(c.action) && icon !== undefined && text === undefined;
  if (text === undefined && !icon) text = c.i;
  const iconStyle = iconColor ? { color: iconColor } : undefined;
  const props: IButtonProps = {
    id: domId(c.i),
    text,
    secondaryText: s(c, "secondarytext"),
    href: s(c, "url"),
    target: isTrue(c.newwindow) ? "_blank" : undefined,
    title: s(c, "title") ?? (iconOnly ? text : undefined),
    ariaLabel: text ?? s(c, "title") ?? icon,
    disabled,
    primary: compound && primary ? true : undefined,
    iconProps: icon ? { iconName: icon } : undefined,
    componentRef: focusRef as IButtonProps["componentRef"],
    split: isTrue(c.split) && items.length > 0,
    menuProps: items.length ? { items: menuItems(items, theme, disabled) } : undefined,
    styles: {
      root,
      icon: iconStyle,
      iconHovered: iconStyle,
      iconPressed: iconStyle,
    },
    onClick: () => fire(c, "click"),
    ...focusEvents(c),
  };
  if (compound) return <CompoundButton {...props} />;
  if (toolbar) return <CommandBarButton {...props} />;
  if (primary) return <PrimaryButton {...props} />;
  if (isTrue(c.action)) return <ActionButton {...props} />;
  if (iconOnly) return <IconButton {...props} />;
  return <DefaultButton {...props} />;
}
