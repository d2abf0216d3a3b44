import { randomBytes, randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ccMatches, replyAddress, signReplyToken, tokenOfAddress, verifyReplyToken } from "../../src/email/reply-token.ts";

const keys = { current: randomBytes(32) };
const address = { prefix: "reply", domain: "support.example.com" };

describe("reply addresses: one per case and recipient, unforgeable", () => {
  it("names the case and the contact it was sent to, and fits in an SMTP local part", () => {
    const personId = randomUUID();
    const to = replyAddress(keys, { caseNumber: 10_001, kind: "person", personId }, address);
    expect(to).toMatch(/^reply\+[a-z2-7]+@support\.example\.com$/);
    expect(to.split("@")[0]!.length).toBeLessThanOrEqual(64);
    const token = tokenOfAddress(to, "reply");
    expect(verifyReplyToken(keys, token!)).toEqual({ caseNumber: 10_001, kind: "person", personId });
  });

  it("gives each recipient of the same case a different address", () => {
    const a = signReplyToken(keys, { caseNumber: 7, kind: "person", personId: randomUUID() });
    const b = signReplyToken(keys, { caseNumber: 7, kind: "person", personId: randomUUID() });
    const c = signReplyToken(keys, { caseNumber: 7, kind: "cc", address: "boss@example.com" });
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it("names a CC address (no person) and matches only that address, whatever its case", () => {
    const token = signReplyToken(keys, { caseNumber: 42, kind: "cc", address: "Boss@Example.com" });
    const claim = verifyReplyToken(keys, token)!;
    expect(claim).toMatchObject({ caseNumber: 42, kind: "cc" });
    expect(ccMatches(claim, "boss@example.com")).toBe(true);
    expect(ccMatches(claim, "someone.else@example.com")).toBe(false);
  });

  it("survives a relay that upper-cases the local part", () => {
    const personId = randomUUID();
    const to = replyAddress(keys, { caseNumber: 99, kind: "person", personId }, address).toUpperCase();
    expect(verifyReplyToken(keys, tokenOfAddress(to, "reply")!)).toMatchObject({ personId });
  });

  it("refuses a token signed with another key, and accepts one of a previous key after rotation", () => {
    const old = randomBytes(32);
    const token = signReplyToken({ current: old }, { caseNumber: 5, kind: "person", personId: randomUUID() });
    expect(verifyReplyToken(keys, token)).toBeNull();
    expect(verifyReplyToken({ current: keys.current, previous: [old] }, token)).toMatchObject({ caseNumber: 5 });
  });

  it("refuses every altered token: another case number cannot be written in", () => {
    const token = signReplyToken(keys, { caseNumber: 1234, kind: "person", personId: randomUUID() });
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz234567"), (i, char) => {
        fc.pre(token[i] !== char);
        const altered = token.slice(0, i) + char + token.slice(i + 1);
        expect(verifyReplyToken(keys, altered)).toBeNull();
      }),
    );
    expect(verifyReplyToken(keys, token.slice(0, -1))).toBeNull();
    expect(verifyReplyToken(keys, `${token}a`)).toBeNull();
  });

  it("ignores addresses that are not reply addresses and junk tokens", () => {
    expect(tokenOfAddress("support@example.com", "reply")).toBeNull();
    expect(tokenOfAddress("reply+@example.com", "reply")).toBeNull();
    expect(tokenOfAddress("reply+abc!def@example.com", "reply")).toBeNull();
    expect(tokenOfAddress("no-at-sign", "reply")).toBeNull();
    for (const junk of ["", "a", "0189", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "a".repeat(200)]) {
      expect(verifyReplyToken(keys, junk)).toBeNull();
    }
  });
});

describe("unsubscribe tokens", () => {
  it("are signed for their purpose: a reply token is no unsubscribe token, nor the other way round", () => {
    const target = { caseNumber: 3, kind: "person" as const, personId: randomUUID() };
    const unsubscribe = signReplyToken(keys, target, "unsubscribe");
    expect(verifyReplyToken(keys, unsubscribe, "unsubscribe")).toEqual(target);
    expect(verifyReplyToken(keys, unsubscribe)).toBeNull();
    expect(verifyReplyToken(keys, signReplyToken(keys, target), "unsubscribe")).toBeNull();
  });
});
