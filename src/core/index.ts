import { createDirectory } from "./accounts/directory.ts";
import { applyDueActions } from "./cases/clock-actions.ts";
import { addComment } from "./cases/comments.ts";
import { createCustomerActions } from "./cases/customer-actions.ts";
import { fileCase } from "./cases/filing.ts";
import { createCaseQueries } from "./cases/queries.ts";
import type { CaseRef, CommentInput, FileCaseInput } from "./cases/schemas.ts";
import { createStaffActions } from "./cases/staff-actions.ts";
import type { CoreDeps, Ctx } from "./deps.ts";
import { createSearch } from "./search.ts";

/**
 * The one case service. Slack, Teams, the CLI and the sweeps all call this; every
 * read and write inside checks the actor's permissions against the database.
 */
export function createCore(deps: CoreDeps) {
  const queries = createCaseQueries(deps);
  return {
    catalog: deps.catalog,
    cases: {
      file: (ctx: Ctx, input: FileCaseInput) => fileCase(deps, ctx, input),
      get: queries.get,
      list: queries.list,
      comment: (ctx: Ctx, ref: CaseRef, input: CommentInput) => addComment(deps, ctx, ref, input),
      ...createCustomerActions(deps),
      ...createStaffActions(deps),
      /** For the clock sweeps: apply whatever is due for one case, once. */
      applyDueActions: (caseId: string) => applyDueActions(deps, caseId),
    },
    directory: createDirectory(deps),
    ...createSearch(deps),
  };
}

export type Core = ReturnType<typeof createCore>;
export type { CoreDeps, Ctx };
