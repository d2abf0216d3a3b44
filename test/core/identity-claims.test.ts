import { describe, expect, it } from "vitest";
import type { Ctx } from "../../src/core/index.ts";
import { operator, useWorld } from "../support/world.ts";

/**
 * Confirming who a chat user is in a support channel (issue 13), on the core and a real
 * database: the code goes only to a contact of the channel's account, works once, only
 * for who asked, only in time, only within its tries, and only while the channel is still
 * that account's.
 */
describe("identity claims: the one-time code", () => {
  const s = useWorld();
  let n = 0;
  const guest = (): { ctx: Ctx; userId: string } => {
    n += 1;
    const userId = `UCLAIM${n}`;
    return { ctx: { actor: { chat: { platform: "slack", tenantId: "TGUEST", userId } }, source: "slack" }, userId };
  };
  const bind = (channelId: string, account = "Acme Media") => s.t.core.channels.bind(operator, { platform: "slack", tenantId: "T1", channelId, account });
  /** Asks for a code to Ada's address in the channel; the code as the email delivery would send it. */
  async function asked(ctx: Ctx, channelId: string, userId: string) {
    await s.t.core.identityClaims.verify(ctx, { channelId, text: "ADA@acme.test" });
    const claim = await s.t.db.prisma.identityClaim.findFirstOrThrow({ where: { userId } });
    return { claim, sent: await s.t.core.identityClaims.codeToSend(claim.id) };
  }
  const linked = (userId: string) => s.t.db.prisma.chatIdentity.findFirst({ where: { userId } });

  it("a code is sent only to a contact of the channel's account, and links only who asked", async () => {
    await bind("CCLAIM1");
    const g = guest();
    const { sent } = await asked(g.ctx, "CCLAIM1", g.userId);
    expect(sent).toMatchObject({ to: "ada@acme.test", name: "Ada Acme", account: "Acme Media" });
    // Gail is Globex's: no code, the same answer.
    const other = guest();
    expect((await s.t.core.identityClaims.verify(other.ctx, { channelId: "CCLAIM1", text: "gail@globex.test" })).text).toContain("If gail@globex.test is on file for a contact of Acme Media");
    expect(await s.t.db.prisma.identityClaim.count({ where: { userId: other.userId } })).toBe(0);

    await expect(s.t.core.identityClaims.verify(other.ctx, { channelId: "CCLAIM1", text: sent!.code })).rejects.toThrow("That code is not right");
    expect((await s.t.core.identityClaims.verify(g.ctx, { channelId: "CCLAIM1", text: sent!.code })).kind).toBe("linked");
    expect(await linked(g.userId)).toMatchObject({ personId: s.w.people.acmeUser.id, tenantId: "TGUEST" });
    expect(await linked(other.userId)).toBeNull();
  });

  it("a code expires after 30 minutes", async () => {
    await bind("CCLAIM2");
    const g = guest();
    s.t.clock.advance(3 * 60_000); // past the last code's resend gap for Ada
    const { sent } = await asked(g.ctx, "CCLAIM2", g.userId);
    s.t.clock.advance(31 * 60_000);
    await expect(s.t.core.identityClaims.verify(g.ctx, { channelId: "CCLAIM2", text: sent!.code })).rejects.toThrow("That code is not right, or it expired");
    expect(await linked(g.userId)).toBeNull();
  });

  it("five wrong codes spend the request: the right one no longer works", async () => {
    await bind("CCLAIM3");
    const g = guest();
    s.t.clock.advance(3 * 60_000);
    const { sent, claim } = await asked(g.ctx, "CCLAIM3", g.userId);
    const wrong = sent!.code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i += 1) await expect(s.t.core.identityClaims.verify(g.ctx, { channelId: "CCLAIM3", text: wrong })).rejects.toThrow("That code is not right");
    expect((await s.t.db.prisma.identityClaim.findUniqueOrThrow({ where: { id: claim.id } })).status).toBe("SPENT");
    await expect(s.t.core.identityClaims.verify(g.ctx, { channelId: "CCLAIM3", text: sent!.code })).rejects.toThrow("That code is not right");
    expect(await linked(g.userId)).toBeNull();
  });

  it("a channel moved to another account since the code was sent links nobody", async () => {
    await bind("CCLAIM4");
    const g = guest();
    s.t.clock.advance(3 * 60_000);
    const { sent } = await asked(g.ctx, "CCLAIM4", g.userId);
    await bind("CCLAIM4", "Globex Corp");
    await expect(s.t.core.identityClaims.verify(g.ctx, { channelId: "CCLAIM4", text: sent!.code })).rejects.toThrow("no longer that account's support channel");
    expect(await linked(g.userId)).toBeNull();
  });

  it("one contact gets at most one code every 2 minutes, whoever asks", async () => {
    await bind("CCLAIM5");
    s.t.clock.advance(3 * 60_000);
    const first = guest();
    const second = guest();
    await s.t.core.identityClaims.verify(first.ctx, { channelId: "CCLAIM5", text: "alan@acme.test" });
    await s.t.core.identityClaims.verify(second.ctx, { channelId: "CCLAIM5", text: "alan@acme.test" });
    expect(await s.t.db.prisma.identityClaim.count({ where: { userId: { in: [first.userId, second.userId] } } })).toBe(1);
    expect(await s.t.db.prisma.notification.count({ where: { event: "identity.code" } })).toBe(await s.t.db.prisma.identityClaim.count({ where: { kind: "EMAIL" } }));
  });
});
