import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// Fluent's icon font files, served by pglet itself at /fonts/ (no CDN: LAN servers are
// often offline).
function iconFonts(): Plugin {
  const dir = join(import.meta.dirname, "node_modules/@fluentui/font-icons-mdl2/fonts");
  return {
    name: "pglet-icon-fonts",
    generateBundle() {
      for (const f of readdirSync(dir)) {
        if (f.endsWith(".woff")) {
          this.emitFile({ type: "asset", fileName: `fonts/${f}`, source: readFileSync(join(dir, f)) });
        }
      }
    },
    configureServer(server) {
      server.middlewares.use("/fonts", (req, res, next) => {
        const name = (req.url ?? "").replace(/^\//, "");
        if (!/^[\w.-]+\.woff$/.test(name)) return next();
        res.setHeader("Content-Type", "font/woff");
        res.end(readFileSync(join(dir, name)));
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), iconFonts()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
  },
  server: {
    proxy: { "/ws": { target: "ws://127.0.0.1:8550", ws: true } },
  },
});
