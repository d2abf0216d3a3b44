import { describe, expect, it } from "vitest";
import { commandWrites, readCommand } from "../../src/interactions/index.ts";

describe("what users type: the same words in Slack's /case, Slack's Messages tab and Teams", () => {
  it("Slack's /case words", () => {
    expect(readCommand("new Player shows error 1002")).toEqual({ verb: "new", args: { subject: "Player shows error 1002" } });
    expect(readCommand("list")).toEqual({ verb: "list", args: { view: undefined } });
    expect(readCommand("list closed")).toEqual({ verb: "list", args: { view: "closed" } });
    expect(readCommand("show 00010001")).toEqual({ verb: "show", args: { number: "00010001" } });
    expect(readCommand("reply 10001 First line\nsecond line")).toEqual({ verb: "reply", args: { number: "10001", text: "First line\nsecond line" } });
    expect(readCommand("reply 10001").verb).toBe("help");
    expect(readCommand("search upload stuck")).toEqual({ verb: "search", args: { words: "upload stuck" } });
    expect(readCommand("browse")).toEqual({ verb: "browse", args: { product: undefined } });
    expect(readCommand("").verb).toBe("help");
    expect(readCommand("dance").verb).toBe("help");
  });

  it("the words typed to the bot", () => {
    expect(readCommand("new case")).toEqual({ verb: "new", args: { subject: undefined } });
    expect(readCommand("My cases")).toEqual({ verb: "list", args: { view: "cases" } });
    expect(readCommand("account")).toEqual({ verb: "list", args: { view: "account" } });
    expect(readCommand("my closed cases")).toEqual({ verb: "list", args: { view: "closed" } });
    expect(readCommand("case 10001")).toEqual({ verb: "show", args: { number: "10001" } });
    expect(readCommand("follow 10001")).toEqual({ verb: "follow", args: { number: "10001" } });
    expect(readCommand("reply 10001 thanks, that works")).toEqual({ verb: "reply", args: { number: "10001", text: "thanks, that works" } });
    expect(readCommand("browse live")).toEqual({ verb: "browse", args: { product: "live" } });
    expect(readCommand("home").verb).toBe("home");
    expect(readCommand("product updates").verb).toBe("updates"); // was answered with the help in Teams
    expect(readCommand("RCAs").verb).toBe("rcas");
    expect(readCommand("my account").verb).toBe("accounts");
    expect(readCommand("hello there").verb).toBe("help");
  });

  it("knows which commands store something (Teams answers those 5xx/429 so they are delivered again)", () => {
    expect(commandWrites("reply 10001 hi")).toBe(true);
    expect(commandWrites("follow 10001")).toBe(true);
    expect(commandWrites("my cases")).toBe(false);
    expect(commandWrites("new case")).toBe(false);
  });
});
