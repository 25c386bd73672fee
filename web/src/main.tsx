// Entry: icons from this server, the page name from the URL, then connect and render.
import { createRoot } from "react-dom/client";
import { initializeIcons } from "@fluentui/font-icons-mdl2";
import { conn } from "./conn/connection";
import { pageNameFromPath } from "./ui/route";
import { App } from "./ui/App";
import "./app.css";

initializeIcons("/fonts/", { disableWarnings: true });
conn.start(pageNameFromPath(location.pathname));
createRoot(document.getElementById("root")!).render(<App />);
