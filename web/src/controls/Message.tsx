// message: Fluent MessageBar with optional dismiss X and action buttons (`button` children
// with `text` and `action`); each dismisses it and fires `dismiss`.
import { MessageBar, MessageBarButton, MessageBarType, useTheme } from "@fluentui/react";
import { useControls } from "../store/store";
import { str } from "../util/props";
import { themeColor } from "../util/theme";
import { sendEvent, writeProps } from "../conn/connection";
import { commonStyles, isTrue, s, type ControlProps } from "./common";

const types: Record<string, MessageBarType> = {
  info: MessageBarType.info,
  error: MessageBarType.error,
  blocked: MessageBarType.blocked,
  severewarning: MessageBarType.severeWarning,
  success: MessageBarType.success,
  warning: MessageBarType.warning,
};

export default function Message({ control: c }: ControlProps) {
  const theme = useTheme();
  const records = useControls(c.children ? [] : (c.c ?? []));
  const buttons = (c.children ?? records).filter((b) => String(b.t).toLowerCase() === "button" && b.visible !== "false");
  const dismiss = (action: string) => {
    writeProps([{ i: c.i, visible: "false" }]);
    const d = s(c, "data");
    sendEvent(c.i, "dismiss", d !== undefined && action !== "" ? `${d}|${action}` : (action || (d ?? "")));
  };
  const icon = s(c, "icon");
  const iconColor = themeColor(theme, s(c, "iconcolor"));
  const dIcon = s(c, "dismissicon");
  const dColor = themeColor(theme, s(c, "dismissiconcolor"));
  const actions = buttons.length ? (
    <div>
      {buttons.map((b) => {
        const text = str(b.text) ?? b.i;
        return <MessageBarButton key={b.i} id={b.i.replace(/:/g, "_")} text={text} onClick={() => dismiss(str(b.action) ?? text)} />;
      })}
    </div>
  ) : undefined;
  return (
    <div data-pglet-id={c.i} style={{ display: "contents" }}>
    <MessageBar
      messageBarType={types[(s(c, "type") ?? "info").toLowerCase()] ?? MessageBarType.info}
      isMultiline={isTrue(c.multiline)}
      truncated={isTrue(c.truncated)}
      onDismiss={isTrue(c.dismiss) ? () => dismiss("") : undefined}
      dismissButtonAriaLabel="Close"
      messageBarIconProps={icon ? { iconName: icon, style: iconColor ? { color: iconColor } : undefined } : undefined}
      dismissIconProps={dIcon || dColor ? { iconName: dIcon ?? "Clear", style: dColor ? { color: dColor } : undefined } : undefined}
      actions={actions}
      styles={{ root: commonStyles(c), icon: iconColor && !icon ? { color: iconColor } : undefined }}
    >
      {s(c, "value") ?? ""}
    </MessageBar>
    </div>
  );
}
