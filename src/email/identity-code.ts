import type { Transporter } from "nodemailer";
import type { Core } from "../core/index.ts";
import type { Logger } from "../logger.ts";

/**
 * The one-time code a chat user asked for in a support channel (src/core/accounts/
 * identity-claims.ts), emailed to the contact's address on file, once per notification
 * (receipt "email:identity"). The code is opened from its sealed form only here; a claim
 * already used, spent or expired sends nothing.
 */
export async function sendIdentityCode(options: { core: Core; transport: Transporter; from: string; notificationId: string; claimId: string; logger: Logger }): Promise<void> {
  const { core } = options;
  const mail = await core.identityClaims.codeToSend(options.claimId);
  if (!mail) return;
  await core.outbox.once(options.notificationId, "email:identity", async () => {
    const text = [
      `Hello ${mail.name},`,
      `Someone in ${mail.account}'s support channel asked carebot to recognise them as you. If that was you, type this code there within ${mail.minutes} minutes (in Slack: /case verify ${mail.code}):`,
      mail.code,
      "If it was not you, ignore this email: nothing changes without the code.",
    ].join("\n\n");
    const info = await options.transport.sendMail({
      from: options.from,
      to: mail.to,
      subject: "Your carebot confirmation code",
      text,
      // An automatic message (RFC 3834): auto-responders stay quiet.
      headers: { "Auto-Submitted": "auto-generated" },
    });
    // Never the code or the address in the log.
    options.logger.debug({ notificationId: options.notificationId, messageId: info.messageId }, "identity code emailed");
    return info.messageId;
  });
}
