// callout: Fluent Callout anchored to another control (DOM #id, or .class for menu items).
// Shown unless visible=false; dismissing writes visible=false and fires `dismiss`.
import { useLayoutEffect, useState } from "react";
import { Callout as FCallout, DirectionalHint, Stack } from "@fluentui/react";
import { sendEvent, writeProps } from "../conn/connection";
import { domId, int, isFalse } from "../util/props";
import { Children } from "./ControlsList";
import { commonStyles, isDisabled, isTrue, s, type ControlProps } from "./common";

const positions: Record<string, DirectionalHint> = {
  topleft: DirectionalHint.topLeftEdge, topcenter: DirectionalHint.topCenter, topright: DirectionalHint.topRightEdge, topauto: DirectionalHint.topAutoEdge,
  bottomleft: DirectionalHint.bottomLeftEdge, bottomcenter: DirectionalHint.bottomCenter, bottomright: DirectionalHint.bottomRightEdge, bottomauto: DirectionalHint.bottomAutoEdge,
  lefttop: DirectionalHint.leftTopEdge, leftcenter: DirectionalHint.leftCenter, leftbottom: DirectionalHint.leftBottomEdge,
  righttop: DirectionalHint.rightTopEdge, rightcenter: DirectionalHint.rightCenter, rightbottom: DirectionalHint.rightBottomEdge,
};

/** The anchor element: a control's DOM id, else a menu/toolbar item's class. */
function anchor(target: string | undefined): Element | null {
  if (!target) return null;
  const id = domId(target);
  return document.getElementById(id) ?? document.querySelector(`.${CSS.escape(id)}`);
}

/** The target, looked up after mount (it may be rendered in the same pass as the callout). */
function useAnchor(target: string | undefined) {
  const [el, setEl] = useState<Element | null>(null);
  useLayoutEffect(() => {
    setEl(anchor(target));
    if (anchor(target)) return;
    const t = setInterval(() => {
      const a = anchor(target);
      if (a) {
        setEl(a);
        clearInterval(t);
      }
    }, 200);
    return () => clearInterval(t);
  }, [target]);
  return el;
}

export default function Callout({ control: c, parentDisabled }: ControlProps) {
  const el = useAnchor(s(c, "target"));
  // The ControlsList already drops visible=false, so a rendered callout is an open one.
  if (isFalse(c.visible) || (s(c, "target") && !el)) return null;
  const beak = c.beak === undefined || isTrue(c.beak);
  return (
    <FCallout
      target={el ?? undefined}
      directionalHint={positions[(s(c, "position") ?? "bottomauto").toLowerCase()] ?? DirectionalHint.bottomAutoEdge}
      gapSpace={int(s(c, "gap"))}
      isBeakVisible={beak}
      beakWidth={int(s(c, "beakwidth"))}
      minPagePadding={int(s(c, "pagepadding"))}
      setInitialFocus={isTrue(c.focus)}
      coverTarget={isTrue(c.cover)}
      className={`pglet-callout-${c.i.replace(/[^\w-]/g, "_")}`}
      styles={{ calloutMain: { ...commonStyles(c) } }}
      onDismiss={() => {
        writeProps([{ i: c.i, visible: "false" }]);
        sendEvent(c.i, "dismiss", s(c, "data") ?? "");
      }}
    >
      <Stack tokens={{ childrenGap: 10 }}>
        <Children control={c} parentDisabled={isDisabled(c, parentDisabled)} />
      </Stack>
    </FCallout>
  );
}
