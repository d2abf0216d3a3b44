// Builds the Teams app package: manifest.json (with your app id and domain) and the
// two icons, zipped for upload (Teams admin center, or Apps > Upload a custom app).
// Usage: TEAMS_APP_ID=<bot app id> TEAMS_BOT_DOMAIN=carebot.example.com npm run teams:package
//        writes dist/carebot-teams.zip
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import JSZip from "jszip";

export async function buildTeamsPackage({ appId = process.env.TEAMS_APP_ID, domain = process.env.TEAMS_BOT_DOMAIN, out = "dist/carebot-teams.zip" } = {}) {
  const dir = new URL("../manifest/teams/", import.meta.url);
  let text = readFileSync(new URL("manifest.json", dir), "utf8");
  if (appId) text = text.replaceAll("00000000-0000-0000-0000-000000000000", appId);
  if (domain) text = text.replaceAll("carebot.example.com", domain);
  const zip = new JSZip();
  zip.file("manifest.json", text);
  zip.file("color.png", readFileSync(new URL("color.png", dir)));
  zip.file("outline.png", readFileSync(new URL("outline.png", dir)));
  const bytes = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
  if (out) {
    mkdirSync(new URL("../dist/", import.meta.url), { recursive: true });
    writeFileSync(out, bytes);
  }
  return bytes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bytes = await buildTeamsPackage();
  console.log(`Wrote dist/carebot-teams.zip (${bytes.length} bytes).`);
}
