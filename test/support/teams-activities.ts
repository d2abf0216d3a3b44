/**
 * Bot Framework activities as Teams sends them to a bot.
 * @link https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/conversation-basics
 */
export interface TeamsUser {
  id: string;
  aadObjectId: string;
  name: string;
}

let counter = 0;
export const TENANT = "tenant-1";
export const PERSONAL = (user: TeamsUser, tenantId = TENANT) => ({ id: `a:personal-${user.aadObjectId}`, conversationType: "personal", tenantId });
export const CHANNEL = "19:support-channel@thread.tacv2";

function base(serviceUrl: string, user: TeamsUser, conversation: Record<string, unknown>, id?: string) {
  const tenantId = typeof conversation.tenantId === "string" ? conversation.tenantId : TENANT;
  counter += 1;
  return {
    id: id ?? `activity-${Date.now()}-${counter}`,
    channelId: "msteams",
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: user.id, aadObjectId: user.aadObjectId, name: user.name },
    recipient: { id: "28:carebot", name: "carebot" },
    conversation,
    channelData: { tenant: { id: tenantId }, ...(conversation.conversationType === "channel" ? { channel: { id: CHANNEL }, team: { id: "19:team@thread.tacv2" } } : {}) },
    locale: "en-US",
  };
}

export function message(serviceUrl: string, user: TeamsUser, text: string, options: { conversation?: Record<string, unknown>; id?: string; mention?: boolean } = {}) {
  const conversation = options.conversation ?? PERSONAL(user);
  const body = options.mention ? `<at>carebot</at> ${text}` : text;
  return {
    ...base(serviceUrl, user, conversation, options.id),
    type: "message",
    text: body,
    textFormat: "plain",
    ...(options.mention ? { entities: [{ type: "mention", text: "<at>carebot</at>", mentioned: { id: "28:carebot", name: "carebot" } }] } : {}),
  };
}

export function invoke(serviceUrl: string, user: TeamsUser, name: string, value: unknown, options: { conversation?: Record<string, unknown> } = {}) {
  return { ...base(serviceUrl, user, options.conversation ?? PERSONAL(user)), type: "invoke", name, value };
}

export function channelConversation(threadRoot?: string) {
  return { id: threadRoot ? `${CHANNEL};messageid=${threadRoot}` : CHANNEL, conversationType: "channel", isGroup: true, tenantId: TENANT };
}

export async function postActivity(url: string, activity: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof activity === "string" ? activity : JSON.stringify(activity) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}
