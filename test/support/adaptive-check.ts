import { createRequire } from "node:module";
import { ADAPTIVE_CARD_VERSION, TEAMS_CARD_BYTES } from "../../src/cards/limits.ts";

/**
 * Checks a rendered Adaptive Card with the official parser (the `adaptivecards`
 * package, whose ESM entry fails on Node 20, so its UMD build is loaded; see
 * ../shared/notes/platform-notes.md), targeting version 1.5, and with Teams' own
 * constraints: version at most 1.5 and the payload size budget.
 */
const require = createRequire(import.meta.url);
const AC = require("adaptivecards/dist/adaptivecards.js") as {
  AdaptiveCard: new () => { parse(json: unknown, ctx: unknown): void; validateProperties(): { validationEvents: { message: string }[] } };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string }; targetVersion: unknown };
  Versions: Record<string, unknown>;
};

export function adaptiveCardProblems(card: unknown): string[] {
  const problems: string[] = [];
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  context.targetVersion = AC.Versions.v1_5;
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of parsed.validateProperties().validationEvents) problems.push(`validate: ${event.message}`);
  const version = (card as { version?: string }).version;
  if (version !== ADAPTIVE_CARD_VERSION) problems.push(`version ${version} is not ${ADAPTIVE_CARD_VERSION} (what Teams renders)`);
  const bytes = Buffer.byteLength(JSON.stringify(card), "utf8");
  if (bytes > TEAMS_CARD_BYTES) problems.push(`payload ${bytes} bytes exceeds ${TEAMS_CARD_BYTES}`);
  return problems;
}
