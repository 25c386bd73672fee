// Imported first by main.tsx, so the socket opens (and the page state is on its way) while
// the browser is still evaluating React and Fluent UI.
import { conn } from "./conn/connection";
import { pageNameFromPath } from "./ui/route";

conn.start(pageNameFromPath(location.pathname));
