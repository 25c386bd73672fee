// Menu items (button menus, toolbar items, sub-menus) from `item` records.
import { ContextualMenuItemType, type IContextualMenuItem, type Theme } from "@fluentui/react";
import type { Control } from "../store/types";
import { domId, isTrue, str } from "../util/props";
import { themeColor } from "../util/theme";
import { fire } from "./common";

export const kids = (c: Control | undefined, type: string): Control[] =>
  (c?.children ?? []).filter((x) => String(x.t).toLowerCase() === type && x.visible !== "false");

export function menuItem(i: Control, theme: Theme, disabled: boolean): IContextualMenuItem {
  if (isTrue(i.divider)) return { key: i.i, itemType: ContextualMenuItemType.Divider };
  const sub = kids(i, "item");
  const icon = str(i.icon);
  const color = themeColor(theme, str(i.iconcolor));
  const text = str(i.text) ?? (icon && isTrue(i.icononly) ? undefined : i.i);
  return {
    key: i.i,
    text,
    secondaryText: str(i.secondarytext),
    href: str(i.url),
    target: isTrue(i.newwindow) ? "_blank" : undefined,
    title: str(i.title),
    iconProps: icon ? { iconName: icon, style: color ? { color } : undefined } : undefined,
    iconOnly: isTrue(i.icononly),
    split: isTrue(i.split),
    canCheck: i.checked !== undefined,
    checked: isTrue(i.checked),
    disabled: disabled || isTrue(i.disabled),
    className: domId(i.i),
    "data-pglet-id": i.i,
    subMenuProps: sub.length ? { items: sub.map((x) => menuItem(x, theme, disabled)) } : undefined,
    onClick: () => {
      fire(i, "click");
    },
  };
}

export const menuItems = (items: Control[], theme: Theme, disabled: boolean) => items.map((i) => menuItem(i, theme, disabled));
