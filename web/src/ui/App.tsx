// The app shell: the page when connected, and a clear screen for every other state
// (connecting, lost connection, page not found, application inactive, expired, sign-in).
import { useEffect, useState } from "react";
import { DefaultButton, FontIcon, MessageBar, MessageBarType, Spinner, SpinnerSize, Stack, Text, ThemeProvider } from "@fluentui/react";
import { conn, useCrashed, useStatus } from "../conn/connection";
import { Page, usePageTheme } from "./Page";

function Screen({ icon, title, children, testId }: { icon: string; title: string; children?: React.ReactNode; testId: string }) {
  const theme = usePageTheme();
  return (
    <ThemeProvider theme={theme} applyTo="body" style={{ height: "100%" }}>
      <Stack horizontalAlign="center" verticalAlign="center" tokens={{ childrenGap: 12 }} styles={{ root: { height: "100%", padding: 20, textAlign: "center" } }} data-testid={testId}>
        <FontIcon iconName={icon} style={{ fontSize: 48, color: theme.palette.themePrimary }} />
        <Text variant="xLarge">{title}</Text>
        {children}
      </Stack>
    </ThemeProvider>
  );
}

function useSecondsUntil(at: number) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, []);
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function LostBanner({ retryAt }: { retryAt: number }) {
  const secs = useSecondsUntil(retryAt);
  return (
    <div data-testid="lost" style={{ position: "fixed", top: 0, left: 0, right: 0, zIndex: 1000000 }}>
      <MessageBar
        messageBarType={MessageBarType.severeWarning}
        actions={<DefaultButton text="Reconnect now" onClick={() => conn.reconnectNow()} />}
        isMultiline={false}
      >
        Connection to the server lost. {secs > 0 ? `Reconnecting in ${secs} s…` : "Reconnecting…"}
      </MessageBar>
    </div>
  );
}

function Delayed({ ms, children }: { ms: number; children: React.ReactNode }) {
  const [show, setShow] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setShow(true), ms);
    return () => clearTimeout(t);
  }, [ms]);
  return show ? <>{children}</> : null;
}

export function App() {
  const status = useStatus();
  const crashed = useCrashed();
  switch (status.kind) {
    case "connecting":
      return (
        <Delayed ms={400}>
          <Stack horizontalAlign="center" verticalAlign="center" styles={{ root: { height: "100%" } }} data-testid="connecting">
            <Spinner size={SpinnerSize.large} label="Connecting…" />
          </Stack>
        </Delayed>
      );
    case "notFound":
      return (
        <Screen icon="PageRemove" title="Page not found" testId="not-found">
          <Text>
            No program is serving <b>{conn.pageName}</b> on this server. It will appear here as soon as its program connects.
          </Text>
        </Screen>
      );
    case "inactive":
      return (
        <Screen icon="PlugDisconnected" title="Application is inactive" testId="inactive">
          <Text>{status.message}</Text>
          <Text variant="small">This page will reconnect by itself when the application is back.</Text>
        </Screen>
      );
    case "expired":
      return (
        <Screen icon="Clock" title="This page has expired" testId="expired">
          <Text>{status.message}</Text>
        </Screen>
      );
    case "signin":
      return (
        <Screen icon="Lock" title="Sign-in required" testId="signin">
          <Text>
            This page is for signed-in users{status.providers.length ? ` (${status.providers.join(", ")})` : ""}, and this server has no
            sign-in configured.
          </Text>
        </Screen>
      );
    case "error":
      return (
        <Screen icon="Error" title="This page cannot be shown" testId="error">
          <Text>{status.message}</Text>
        </Screen>
      );
  }
  const lost = status.kind === "lost";
  return (
    <>
      {lost && <LostBanner retryAt={status.retryAt} />}
      {crashed && (
        <MessageBar messageBarType={MessageBarType.error} data-testid="crashed">
          {crashed}
        </MessageBar>
      )}
      <div style={{ height: "100%", opacity: lost ? 0.5 : 1, pointerEvents: lost ? "none" : undefined }} aria-busy={lost}>
        <Page />
      </div>
    </>
  );
}
