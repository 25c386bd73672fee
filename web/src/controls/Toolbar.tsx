// toolbar: Fluent CommandBar with main items, an `overflow` menu and `far` (right) items.
import { CommandBar, useTheme, type ICommandBarItemProps, type IButtonStyles } from "@fluentui/react";
import { useSubtree } from "../store/store";
import { isDisabled, isTrue, type ControlProps } from "./common";
import { kids, menuItems } from "./menu";

export default function Toolbar({ control, parentDisabled }: ControlProps) {
  const theme = useTheme();
  const tree = useSubtree(control.i);
  const c = control.children ? control : (tree ?? control);
  const disabled = isDisabled(c, parentDisabled);
  const inverted = isTrue(c.inverted);
  // Inverted: see-through bar with light text, for a dark header.
  const light = "#ffffff";
  const buttonStyles: IButtonStyles | undefined = inverted
    ? {
        root: { backgroundColor: "transparent", color: light },
        rootHovered: { backgroundColor: "rgba(255,255,255,.15)", color: light },
        rootPressed: { backgroundColor: "rgba(255,255,255,.25)", color: light },
        rootExpanded: { backgroundColor: "rgba(255,255,255,.25)", color: light },
        icon: { color: light },
        iconHovered: { color: light },
        iconPressed: { color: light },
        menuIcon: { color: light },
        rootDisabled: { backgroundColor: "transparent" },
      }
    : undefined;
  const build = (list: ReturnType<typeof kids>): ICommandBarItemProps[] =>
    menuItems(list, theme, disabled).map((i) => ({ ...i, buttonStyles, iconOnly: i.iconOnly }));
  const items = build(kids(c, "item"));
  const overflow = kids(kids(c, "overflow")[0], "item");
  const far = build(kids(kids(c, "far")[0], "item"));
  return (
    <CommandBar
      data-pglet-id={c.i}
      items={items}
      overflowItems={menuItems(overflow, theme, disabled)}
      farItems={far}
      overflowButtonProps={{ styles: buttonStyles, ariaLabel: "More" }}
      styles={{ root: { padding: 0, backgroundColor: inverted ? "transparent" : undefined } }}
    />
  );
}
