import { z } from "zod";
import { caseViewSchema } from "../core/cases/schemas.ts";
import { parseInput } from "../core/validation.ts";

/**
 * What a button or a form hands back to us, parsed before the core sees it. These only
 * bound and shape the text; the core checks every value again against the acting user
 * (a case number here is just a string the core looks up through the permission check).
 */
/** A button's value: a case number, an article slug, a publication id, a list page. */
export const buttonValue = z.string().max(1_000);
/** A case number as a button or a form's state carries it. */
export const caseNumber = z.string().trim().max(100);
/** "open:2": a list view and a page. */
export const listPage = z
  .string()
  .max(100)
  .transform((value) => {
    const [view = "open", page = "1"] = value.split(":");
    return { view, page: Number(page) };
  })
  .pipe(z.object({ view: caseViewSchema, page: z.number().int().min(1).max(100_000) }));
/** A form's state (the case it is about, the filing's key, where it was opened). */
export const formState = z.record(z.string().max(100), z.string().max(2_000));
/** A form's inputs as the platforms submit them: text, every one. */
export const formValues = z.record(z.string().max(100), z.string().max(100_000).optional());

/** Parses with the core's own wording: a bad value is a VALIDATION error naming the field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, field: string): z.infer<S> {
  return parseInput(schema, input, { field });
}

/** "00010001:4": a satisfaction score for a case (the survey's buttons); the core checks who may answer. */
export const caseScore = z
  .string()
  .max(20)
  .regex(/^\d{1,10}:[1-5]$/, "Choose a rating from 1 to 5.")
  .transform((value) => {
    const [number = "", score = "0"] = value.split(":");
    return { number, score: Number(score) };
  });

/** "00010001:<uuid>": an escalation of a case (the case first, so the core checks it can be seen). */
export const escalationRef = z
  .string()
  .max(200)
  .regex(/^\d{1,10}:[0-9a-f-]{36}$/i)
  .transform((value) => {
    const [number = "", escalationId = ""] = value.split(":");
    return { number, escalationId };
  });
