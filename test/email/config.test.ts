import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadEmailConfig } from "../../src/email/config.ts";

const key = randomBytes(32).toString("base64");

describe("email settings", () => {
  it("leave the listener off by default", () => {
    const c = loadEmailConfig({});
    expect(c.inboundEnabled).toBe(false);
    expect(c.EMAIL_REPLY_PREFIX).toBe("reply");
  });

  it("need a token key and a reply domain when the listener is on, and name the variable, never its value", () => {
    expect(() => loadEmailConfig({ INBOUND_SMTP_PORT: "2525", EMAIL_REPLY_DOMAIN: "cases.example.com" })).toThrow(/EMAIL_TOKEN_KEY must be set/);
    expect(() => loadEmailConfig({ INBOUND_SMTP_PORT: "2525", EMAIL_TOKEN_KEY: key })).toThrow(/EMAIL_REPLY_DOMAIN/);
    const short = "c2hvcnQ=";
    let message = "";
    try {
      loadEmailConfig({ INBOUND_SMTP_PORT: "2525", EMAIL_REPLY_DOMAIN: "cases.example.com", EMAIL_TOKEN_KEY: short });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/EMAIL_TOKEN_KEY/);
    expect(message).not.toContain(short);
  });

  it("take previous keys for a rotation", () => {
    const old = randomBytes(32);
    const c = loadEmailConfig({ INBOUND_SMTP_PORT: "0", EMAIL_REPLY_DOMAIN: "cases.example.com", EMAIL_TOKEN_KEY: key, EMAIL_TOKEN_KEY_PREVIOUS: ` ${old.toString("base64")} ,` });
    expect(c.tokenKeys?.current.equals(Buffer.from(key, "base64"))).toBe(true);
    expect(c.tokenKeys?.previous).toEqual([old]);
    expect(() => loadEmailConfig({ EMAIL_TOKEN_KEY_PREVIOUS: "c2hvcnQ=" })).toThrow(/EMAIL_TOKEN_KEY_PREVIOUS/);
  });
});
