// After `vite build`: records the source hash next to the bundle (dist/SOURCE_HASH), which
// check-dist.sh compares with a fresh hash of the sources.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
const hash = execFileSync("bash", ["scripts/source-hash.sh"], { encoding: "utf8" }).trim();
writeFileSync("dist/SOURCE_HASH", hash + "\n");
console.log(`dist/SOURCE_HASH ${hash}`);
