import { startApp } from "./app.ts";
import { loadConfig, readEnvironment } from "./config.ts";
import { toCaseError } from "./core/errors.ts";
import { createLogger, installLastResortHandlers } from "./logger.ts";
import { startInboundEmail } from "./email/start.ts";
import { startSlackOAuth } from "./adapters/slack/oauth.ts";
import { startSatisfactionLinks } from "./satisfaction/route.ts";

/** `npm start`: reads the environment once, starts the app, stops cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(readEnvironment(process.env));
  } catch (error) {
    createLogger().fatal({ field: toCaseError(error).field }, toCaseError(error).message);
    process.exit(78); // EX_CONFIG
  }
  // One request's stray rejection must not stop the server for everyone: see installLastResortHandlers.
  installLastResortHandlers(createLogger({ level: config.LOG_LEVEL }).child({ module: "process" }));
  const app = await startApp(config).catch((error: unknown) => {
    const failure = toCaseError(error);
    // CONFIG errors carry a message written for the operator; anything else is logged with its cause.
    createLogger().fatal({ err: failure.code === "CONFIG" ? undefined : error, field: failure.field }, failure.code === "CONFIG" ? failure.message : "start-up failed");
    process.exit(failure.code === "CONFIG" ? 78 : 1);
  });
  const embedded = app.db.embedded && { port: app.db.embedded.port, pid: app.db.embedded.pid, how: app.db.embedded.how };
  app.logger.info({ port: app.http.port, database: app.db.kind, embedded }, `carebot is up: http://localhost:${app.http.port}/readyz`);
  // Slack installs into customers' workspaces (issue 13, docs/slack-install.md): /slack/install and /slack/oauth_redirect, when configured.
  await Promise.resolve(config.SLACK_API_URL).then((slackApiUrl) => startSlackOAuth({ env: readEnvironment(process.env), core: app.core, http: app.http, logger: app.logger, slackApiUrl })).catch(async (error: unknown) => {
    createLogger().fatal({ field: toCaseError(error).field }, toCaseError(error).message);
    await app.stop("start-up failed");
    process.exit(78);
  });
  // Email replies (issue 14, docs/email.md): the inbound SMTP listener beside the app, when configured.
  const inboundEmail = await startInboundEmail({ env: readEnvironment(process.env), email: app.core.email, http: app.http, logger: app.logger, smtp: { url: config.SMTP_URL, from: config.SMTP_FROM } }).catch(async (error: unknown) => {
    const failure = toCaseError(error);
    createLogger().fatal({ err: failure.code === "CONFIG" ? undefined : error, field: failure.field }, failure.code === "CONFIG" ? failure.message : "inbound email failed to start");
    await app.stop("start-up failed");
    process.exit(failure.code === "CONFIG" ? 78 : 1);
  });
  // Satisfaction survey emails' signed one-click links (issue 15), answered when EMAIL_TOKEN_KEY is set.
  startSatisfactionLinks({ env: readEnvironment(process.env), core: app.core, http: app.http, logger: app.logger });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      Promise.resolve(inboundEmail?.stop())
        .then(() => app.stop(signal))
        .then(
          () => process.exit(0),
          (error: unknown) => {
            app.logger.error({ err: error }, "shutdown failed");
            process.exit(1);
          },
        );
    });
  }
}

void main();
