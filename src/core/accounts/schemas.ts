import { z } from "zod";
import { isTimeZone } from "../time-zone.ts";

const name = z.string({ error: "Enter a name." }).trim().min(1, "Enter a name.").max(200, "Keep the name to at most 200 characters.");
const email = z
  .string({ error: "Enter an email address." })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid email address." }).max(254));

/** An IANA zone, e.g. "Europe/Berlin": promises to the account's customers are told in it. */
const timeZone = z.string().trim().refine(isTimeZone, "Name an IANA time zone, e.g. Europe/Berlin or America/New_York.");

export const createAccountSchema = z
  .object({
    name,
    type: z.enum(["STANDARD", "PARENT", "SUB"], { error: "Choose standard, parent or sub." }),
    parentId: z.uuid().optional(),
    seatLimit: z.coerce.number().int().min(1, "An account needs at least one seat.").max(100_000),
    csmName: z.string({ error: "Name the Customer Success Manager." }).trim().min(1, "Name the Customer Success Manager.").max(200, "Keep the name to at most 200 characters."),
    csmEmail: email.optional(),
    timeZone: timeZone.optional(),
  })
  .refine((a) => (a.type === "SUB") === (a.parentId !== undefined), {
    message: "A sub-account needs a parent account; other accounts have none.",
    path: ["parentId"],
  });

export const createContactSchema = z.object({
  accountId: z.uuid({ error: "Choose an account." }),
  name,
  email,
  phone: z.string().trim().regex(/^[+()\d\s.-]{5,40}$/, "Enter a phone number of digits, spaces and + ( ) - .").optional(),
});

export const createStaffSchema = z.object({
  name,
  email,
  role: z.enum(["ENGINEER", "MANAGER"], { error: "Choose engineer or manager." }),
});

export const createPartnerSchema = z.object({
  name,
  supportChannel: z.string().trim().max(300).regex(/^(slack|teams):\S+$/, 'Give the channel as "slack:C0123" or "teams:<channel id>".').optional(),
});

export const createPartnerStaffSchema = z.object({ partnerId: z.uuid({ error: "Choose a partner." }), name, email });

export const chatIdentitySchema = z.object({
  platform: z.enum(["slack", "teams"]),
  tenantId: z.string().trim().min(1).max(200),
  userId: z.string().trim().min(1).max(200),
});

/** A chat user as the adapter verified them, with the email their platform reports (if it does). */
export const resolveChatUserSchema = chatIdentitySchema.extend({ email: z.string().max(320).optional() });

export const linkIdentitySchema = chatIdentitySchema.extend({ personId: z.uuid() });

export const editAccountSchema = z.object({ name });

/** The zone an account's customer promises are told in when the reader's own is unknown; null: the vendor's. */
export const accountTimeZoneSchema = z.object({ timeZone: timeZone.nullable() });

export const contactActiveSchema = z.object({ personId: z.uuid({ error: "Choose a contact." }), active: z.boolean() });

/** Ids arrive from our own buttons and links: one that is not even a uuid names nothing. */
export const idSchema = z.uuid();
