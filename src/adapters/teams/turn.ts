import type { Core } from "../../core/index.ts";
import type { Interactions } from "../../interactions/index.ts";
import type { Logger } from "../../logger.ts";
import type { FileHostPolicy } from "./file-download.ts";

/** What every Teams handler works with: the core, the interactions over it, and the log. */
export interface TeamsDeps {
  core: Core;
  interactions: Interactions;
  logger: Logger;
  /** Where Teams files may be downloaded from (file-download.ts). */
  fileHosts: FileHostPolicy;
}
