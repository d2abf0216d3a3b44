import type { Logger } from "../logger.ts";
import type { ActorRef } from "./accounts/actors.ts";
import type { AttachmentLimits } from "./attachments/limits.ts";
import type { SourceName } from "./audit.ts";
import type { Catalog } from "./catalog.ts";
import type { Clock } from "./clock.ts";
import type { CredentialVault } from "./crypto/credentials.ts";
import type { PrismaClient } from "./db/connect.ts";

/** What every service of the core is built from; passed in, never imported as a singleton. */
export interface CoreDeps {
  prisma: PrismaClient;
  clock: Clock;
  catalog: Catalog;
  vault: CredentialVault;
  logger: Logger;
  /** Size, count and type limits of case files (ATTACHMENT_* settings); the shipped ones when absent. */
  attachmentLimits?: AttachmentLimits;
}

/** Who asks, and through which door. Adapters build it from a verified platform identity. */
export interface Ctx {
  actor: ActorRef;
  source: SourceName;
}
