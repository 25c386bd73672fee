// The page's `signin` prop asks the viewer to sign in. This server has no OAuth providers,
// so the dialog says so; dismissing it (when allowed) writes signin="" as the original.
import { Dialog, DialogFooter, DialogType, PrimaryButton, Text } from "@fluentui/react";
import type { Control } from "../store/types";
import { isTrue, str } from "../util/props";
import { sendEvent, writeProps } from "../conn/connection";

export function SigninDialog({ page }: { page: Control }) {
  const allow = isTrue(page.signinallowdismiss);
  const providers = (str(page.signin) ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const close = () => {
    writeProps([{ i: "page", signin: "" }]);
    sendEvent("page", "dismissSignin", "");
  };
  return (
    <Dialog
      hidden={false}
      onDismiss={allow ? close : undefined}
      dialogContentProps={{ type: allow ? DialogType.close : DialogType.normal, title: "Sign in" }}
      modalProps={{ isBlocking: !allow }}
    >
      <Text>
        This page asks you to sign in{providers.length && providers[0] !== "*" ? ` with ${providers.join(", ")}` : ""}, but this
        server has no sign-in providers configured.
      </Text>
      {allow && (
        <DialogFooter>
          <PrimaryButton text="Close" onClick={close} />
        </DialogFooter>
      )}
    </Dialog>
  );
}
