import { describe, expect, it } from "vitest";
import { channelsCommand } from "../src/cli/channels.ts";
import { as, operator, useWorld } from "./support/world.ts";

/**
 * The operator's `npm run cli -- channels bind|unbind|list` (issue 13): the CLI's own
 * command module on a real core and database (test/cli.test.ts runs the process itself;
 * these commands parse their words the same way: channel id, then the account's name).
 */
describe("the operator CLI: channels", () => {
  const s = useWorld();

  it("binds a Slack Connect channel to an account by name, lists it, refuses an unknown account, and unbinds it", async () => {
    const bound = await channelsCommand(s.t.core, operator, "bind", ["CACME", "Acme", "Media"], { team: "T0VENDOR" });
    expect(bound.text).toBe("Bound slack channel CACME to Acme Media. Its cases filed there post their card there; no other account's case does.");
    expect(await s.t.db.prisma.channelBinding.findFirst({ where: { channelId: "CACME" } })).toMatchObject({ platform: "slack", tenantId: "T0VENDOR", accountId: s.w.accounts.acme.id, boundById: null });
    expect((await channelsCommand(s.t.core, operator, "bind", ["CACME", s.w.accounts.acme.id], {})).text).toContain("Already bound: slack channel CACME to Acme Media");

    expect((await channelsCommand(s.t.core, operator, "list", [], {})).text).toMatch(/slack\s+CACME\s+T0VENDOR\s+Acme Media/);
    await expect(channelsCommand(s.t.core, operator, "bind", ["COTHER", "Nobody", "Inc"], {})).rejects.toThrow('No account is named "Nobody Inc"');
    await expect(channelsCommand(s.t.core, operator, "bind", ["COTHER", "Department"], {})).rejects.toThrow("names more than one account (History Department, Physics Department)");

    expect((await channelsCommand(s.t.core, operator, "unbind", ["CACME"], {})).text).toBe("Unbound slack channel CACME from Acme Media.");
    expect((await channelsCommand(s.t.core, operator, "list", [], {})).text).toBe("No channel is bound to an account yet.");
    await expect(channelsCommand(s.t.core, operator, "unbind", ["CACME"], {})).rejects.toThrow("This channel is not connected to an account.");
  });

  it("a customer may neither bind, unbind nor list channels; staff may", async () => {
    const ada = as(s.w.people.acmeUser.id, "cli");
    await expect(s.t.core.channels.bind(ada, { platform: "slack", channelId: "CSNEAK", account: "Acme Media" })).rejects.toThrow("Only support staff can connect a channel to an account.");
    await expect(s.t.core.channels.list(ada)).rejects.toThrow("Only support staff");
    expect(await s.t.db.prisma.channelBinding.count({ where: { channelId: "CSNEAK" } })).toBe(0);
    const eve = as(s.w.people.engineer.id, "cli");
    expect(await s.t.core.channels.bind(eve, { platform: "slack", channelId: "CSTAFF", account: "Globex Corp" })).toMatchObject({ accountName: "Globex Corp", created: true });
    await expect(s.t.core.channels.unbind(ada, { platform: "slack", channelId: "CSTAFF" })).rejects.toThrow("Only support staff");
  });
});
