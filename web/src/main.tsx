// Entry: connect first (boot), then icons from this server, then render.
import "./boot";
import { createRoot } from "react-dom/client";
import { initializeIcons } from "@fluentui/font-icons-mdl2";
import { App } from "./ui/App";
import "./app.css";

initializeIcons("/fonts/", { disableWarnings: true });
createRoot(document.getElementById("root")!).render(<App />);
