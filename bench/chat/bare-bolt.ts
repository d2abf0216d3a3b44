/**
 * The floor: the same @slack/bolt as carebot, an HTTPReceiver at /slack/events whose
 * /case command and view submissions only ack, and whose message events do nothing
 * (Bolt acks events itself). Run by bench/chat.ts as its own process:
 *   PORT=… SLACK_SIGNING_SECRET=… SLACK_BOT_TOKEN=… SLACK_API_URL=… node --import tsx bench/chat/bare-bolt.ts
 * Prints "ready" once listening on 127.0.0.1.
 */
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`bare-bolt: ${name} is not set`);
  return value;
};

const receiver = new HTTPReceiver({ signingSecret: env("SLACK_SIGNING_SECRET"), endpoints: "/slack/events", logLevel: LogLevel.ERROR });
// Its Web API client points at the bench's local Slack (auth.test on the first request), never at slack.com.
const app = new App({ token: env("SLACK_BOT_TOKEN"), receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: env("SLACK_API_URL") } });
app.command("/case", async ({ ack }) => {
  await ack();
});
app.view(/.*/, async ({ ack }) => {
  await ack();
});
app.event("message", async () => {});

await app.start({ port: Number(env("PORT")), host: "127.0.0.1" });
process.stdout.write("ready\n");
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void app.stop().finally(() => process.exit(0));
  });
}
