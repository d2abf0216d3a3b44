import { describe, expect, it } from "vitest";
import { parseCaseCommand } from "../../src/adapters/slack/commands.ts";
import { parseTeamsCommand } from "../../src/adapters/teams/commands.ts";

describe("what users type", () => {
  it("Slack /case", () => {
    expect(parseCaseCommand("new Player shows error 1002")).toEqual({ verb: "new", subject: "Player shows error 1002" });
    expect(parseCaseCommand("list")).toEqual({ verb: "list", view: "open" });
    expect(parseCaseCommand("list closed")).toEqual({ verb: "list", view: "closed" });
    expect(parseCaseCommand("list everything")).toEqual({ verb: "help" });
    expect(parseCaseCommand("show 00010001")).toEqual({ verb: "show", number: "00010001" });
    expect(parseCaseCommand("reply 10001 First line\nsecond line")).toEqual({ verb: "reply", number: "10001", text: "First line\nsecond line" });
    expect(parseCaseCommand("reply 10001")).toEqual({ verb: "help" });
    expect(parseCaseCommand("escalate abc")).toEqual({ verb: "help" });
    expect(parseCaseCommand("search upload stuck")).toEqual({ verb: "search", words: "upload stuck" });
    expect(parseCaseCommand("browse")).toEqual({ verb: "browse", product: "" });
    expect(parseCaseCommand("")).toEqual({ verb: "help" });
    expect(parseCaseCommand("dance")).toEqual({ verb: "help" });
  });

  it("Teams", () => {
    expect(parseTeamsCommand("new case")).toEqual({ verb: "new" });
    expect(parseTeamsCommand("My cases")).toEqual({ verb: "list", view: "mine" });
    expect(parseTeamsCommand("account")).toEqual({ verb: "list", view: "account" });
    expect(parseTeamsCommand("case 10001")).toEqual({ verb: "show", number: "10001" });
    expect(parseTeamsCommand("follow 10001")).toEqual({ verb: "follow", number: "10001" });
    expect(parseTeamsCommand("reply 10001 thanks, that works")).toEqual({ verb: "reply", number: "10001", text: "thanks, that works" });
    expect(parseTeamsCommand("browse live")).toEqual({ verb: "browse", product: "live" });
    expect(parseTeamsCommand("hello there")).toEqual({ verb: "help" });
  });
});
