import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadSlackOAuthConfig } from "../../src/adapters/slack/oauth-config.ts";

const manifest = JSON.parse(readFileSync(new URL("../../manifest/slack/manifest.json", import.meta.url), "utf8"));
const docs = readFileSync(new URL("../../docs/slack.md", import.meta.url), "utf8");

describe("the Slack app manifest", () => {
  it("creates the app as-is: command, shortcut, events, interactivity on one endpoint", () => {
    expect(manifest.display_information.name).toBeTruthy();
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(["/case"]);
    expect(manifest.features.shortcuts).toEqual([expect.objectContaining({ type: "message", callback_id: "case_from_message" })]);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(["app_home_opened", "message.channels"]));
    const urls = [manifest.features.slash_commands[0].url, manifest.settings.interactivity.request_url, manifest.settings.event_subscriptions.request_url];
    for (const url of urls) expect(new URL(url).pathname).toBe("/slack/events");
  });

  it("asks for exactly the scopes the docs justify, one feature each", () => {
    const documented = [...docs.matchAll(/^\| `([a-z_:.]+)` \| .+ \|$/gm)].map((m) => m[1]).filter((s) => /[:]|^commands$/.test(s!));
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(documented.sort());
  });

  it("installs through OAuth ask for the same bot scopes as the manifest (a scope missing there silently loses a feature in customers' workspaces)", () => {
    expect(loadSlackOAuthConfig({}).scopes).toEqual(manifest.oauth_config.scopes.bot);
  });
});
