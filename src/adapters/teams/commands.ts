/**
 * What Teams users type (in personal chat, or after @carebot in a channel). The same
 * list is offered by the manifest's command list.
 */
export type TeamsCommand =
  | { verb: "new" }
  | { verb: "list"; view: "mine" | "open" | "account" | "closed" }
  | { verb: "show" | "escalate" | "follow"; number: string }
  | { verb: "reply"; number: string; text: string }
  | { verb: "search"; words: string }
  | { verb: "browse"; product: string }
  | { verb: "help" };

export const TEAMS_HELP = [
  "**new case**: file a new support case",
  "**my cases** · **open** · **account** · **closed**: your case views",
  "**case N**: a case and its latest comments",
  "**reply N text**: reply on a case",
  "**escalate N**: escalate a case",
  "**search words**: answers in the knowledge base, and your cases, accounts and contacts",
  "**browse [product]**: knowledge articles by product",
  "**follow N**: post a case here; replies in its thread become comments",
  "**help**: this list",
].join("\n\n");

export function parseTeamsCommand(text: string): TeamsCommand {
  const clean = text.replace(/\s+/g, " ").trim();
  const lower = clean.toLowerCase();
  const number = (re: RegExp) => clean.match(re)?.[1];
  if (/^(new|new case|file( a)? case)$/.test(lower)) return { verb: "new" };
  if (/^(my cases|mine|all my cases)$/.test(lower)) return { verb: "list", view: "mine" };
  if (/^(open|my open cases)$/.test(lower)) return { verb: "list", view: "open" };
  if (/^(account|my account'?s open cases)$/.test(lower)) return { verb: "list", view: "account" };
  if (/^(closed|my closed cases)$/.test(lower)) return { verb: "list", view: "closed" };
  const show = number(/^case (\d{1,10})$/i);
  if (show) return { verb: "show", number: show };
  const escalate = number(/^escalate (\d{1,10})$/i);
  if (escalate) return { verb: "escalate", number: escalate };
  const follow = number(/^follow (\d{1,10})$/i);
  if (follow) return { verb: "follow", number: follow };
  const reply = clean.match(/^reply (\d{1,10}) ([\s\S]+)$/i);
  if (reply) return { verb: "reply", number: reply[1]!, text: reply[2]! };
  const browse = clean.match(/^browse ?(.*)$/i);
  if (browse) return { verb: "browse", product: browse[1] ?? "" };
  const search = clean.match(/^search (.+)$/i);
  if (search) return { verb: "search", words: search[1]! };
  return { verb: "help" };
}
