// persona: Fluent Persona (avatar, initials, presence and up to four lines of text).
import { Persona as FPersona, PersonaInitialsColor, PersonaPresence, PersonaSize, useTheme } from "@fluentui/react";
import { isTrue } from "../util/props";
import { themeColor } from "../util/theme";
import { s, type ControlProps } from "./common";

const sizes: Record<string, PersonaSize> = {
  "8": PersonaSize.size8, "24": PersonaSize.size24, "32": PersonaSize.size32, "40": PersonaSize.size40,
  "48": PersonaSize.size48, "56": PersonaSize.size56, "72": PersonaSize.size72, "100": PersonaSize.size100, "120": PersonaSize.size120,
};
const presence: Record<string, PersonaPresence> = {
  none: PersonaPresence.none, offline: PersonaPresence.offline, online: PersonaPresence.online, away: PersonaPresence.away,
  blocked: PersonaPresence.blocked, busy: PersonaPresence.busy, dnd: PersonaPresence.dnd,
};
const colors = new Map(
  Object.entries(PersonaInitialsColor)
    .filter(([, v]) => typeof v === "number")
    .map(([k, v]) => [k.toLowerCase(), v as PersonaInitialsColor]),
);

export default function Persona({ control: c }: ControlProps) {
  const theme = useTheme();
  const color = s(c, "initialscolor");
  return (
    <FPersona
      data-pglet-id={c.i}
      text={s(c, "text")}
      secondaryText={s(c, "secondarytext")}
      tertiaryText={s(c, "tertiarytext")}
      optionalText={s(c, "optionaltext")}
      imageUrl={s(c, "imageurl")}
      imageAlt={s(c, "imagealt")}
      initialsColor={color ? colors.get(color.toLowerCase()) : undefined}
      initialsTextColor={themeColor(theme, s(c, "initialstextcolor"))}
      size={sizes[s(c, "size") ?? ""] ?? PersonaSize.size48}
      presence={presence[(s(c, "presence") ?? "none").toLowerCase()] ?? PersonaPresence.none}
      hidePersonaDetails={isTrue(c.hidedetails)}
    />
  );
}
