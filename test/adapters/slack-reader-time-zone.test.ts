import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandBody, eventBody, sendToSlackEndpoint } from "../support/slack-requests.ts";
import { as, filing, operator } from "../support/world.ts";
import { startSlackWorld, type SlackWorld } from "./slack-setup.ts";

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";
const promiseZone = /Next update by \d\d:\d\d on \w{3} \d{1,2} \w{3}, ([\w/]+) time/;

/**
 * "Next update by 14:30" means something only in the reader's own time. Slack sends no
 * zone with a request, so carebot keeps the one users.info reports when it links a user
 * (and the one each later `user_change` reports); a reader it knows no zone for is told
 * the promise in their account's zone, else the vendor's.
 */
describe("Slack: a customer's promise is told in their own time zone", () => {
  let s: SlackWorld;
  let number: string;
  let response = 0;

  beforeAll(async () => {
    s = await startSlackWorld();
    s.slack.timeZones.set(s.users.ada, "Europe/Amsterdam");
    const ada = as(s.w.people.acmeUser.id);
    const filed = await s.t.app.core.cases.file(ada, filing(s.w.accounts.acme.id, { subject: "Exports time out" }));
    number = filed.case.number;
    // The escalation's acknowledgement is a promise: "next update by …".
    await s.t.app.core.cases.escalate(ada, number, { reason: "CASE_UPDATE_NEEDED", description: "We need an update today." });
  });
  afterAll(() => s.close());

  async function shownZone(user: string): Promise<string | undefined> {
    const before = s.slack.of("respond").length;
    const answer = await sendToSlackEndpoint(s.endpoint, commandBody({ text: `show ${number}`, user, channel: "C1", responseUrl: s.slack.responseUrl(`tz${++response}`) }), FORM);
    expect(answer.status).toBe(200);
    const shown = await s.slack.waitFor("respond", (a) => s.slack.of("respond").indexOf(a) >= before && JSON.stringify(a).includes("Next update by"));
    return promiseZone.exec(JSON.stringify(shown))?.[1];
  }

  it("Ada, linked by her email on first use, sees the promise in the zone Slack reports for her", async () => {
    expect(await shownZone(s.users.ada)).toBe("Europe/Amsterdam");
    const identity = await s.t.app.db.prisma.chatIdentity.findFirstOrThrow({ where: { platform: "slack", userId: s.users.ada } });
    expect(identity.timeZone).toBe("Europe/Amsterdam");
  });

  it("when she moves, Slack's user_change moves her promises to her new zone; a zone no one knows is ignored", async () => {
    const moved = eventBody({ type: "user_change", user: { id: s.users.ada, team_id: "T1", tz: "Asia/Tokyo" } }, "EvTzMoved");
    expect((await sendToSlackEndpoint(s.endpoint, moved, JSON_TYPE)).status).toBe(200);
    expect(await shownZone(s.users.ada)).toBe("Asia/Tokyo");

    const bogus = eventBody({ type: "user_change", user: { id: s.users.ada, team_id: "T1", tz: "Mars/Olympus_Mons" } }, "EvTzBogus");
    expect((await sendToSlackEndpoint(s.endpoint, bogus, JSON_TYPE)).status).toBe(200);
    expect(await shownZone(s.users.ada)).toBe("Asia/Tokyo");
  });

  it("a user_change for someone carebot never linked creates nothing", async () => {
    const stranger = eventBody({ type: "user_change", user: { id: "UNOBODY", team_id: "T1", tz: "Asia/Tokyo" } }, "EvTzStranger");
    expect((await sendToSlackEndpoint(s.endpoint, stranger, JSON_TYPE)).status).toBe(200);
    expect(await s.t.app.db.prisma.chatIdentity.count({ where: { userId: "UNOBODY" } })).toBe(0);
  });

  it("a reader whose zone is unknown is told the account's zone once the operator sets one, else the vendor's", async () => {
    const ada = as(s.w.people.acmeUser.id);
    expect((await s.t.app.core.cases.get(ada, number)).promise?.timeZone).toBeUndefined(); // the card falls back to the vendor's zone
    await s.t.app.core.directory.setAccountTimeZone(operator, s.w.accounts.acme.id, { timeZone: "Australia/Sydney" });
    expect((await s.t.app.core.cases.get(ada, number)).promise?.timeZone).toBe("Australia/Sydney");
    // Her own zone, known from Slack, still comes first.
    expect(await shownZone(s.users.ada)).toBe("Asia/Tokyo");
    await expect(s.t.app.core.directory.setAccountTimeZone(operator, s.w.accounts.acme.id, { timeZone: "Nowhere/Special" })).rejects.toThrow(/IANA time zone/);
    // Another customer's account is not theirs to change.
    await expect(s.t.app.core.directory.setAccountTimeZone(as(s.w.people.globexUser.id), s.w.accounts.acme.id, { timeZone: "Europe/Paris" })).rejects.toThrow();
    expect((await s.t.app.db.prisma.account.findUniqueOrThrow({ where: { id: s.w.accounts.acme.id } })).timeZone).toBe("Australia/Sydney");
  });
});
