/**
 * Whether a string names an IANA time zone this runtime knows. Zones arrive from
 * clients (Teams' localTimezone, Slack's users.info `tz`) and from settings: one
 * Intl does not know is refused or falls back, never fails a card.
 */
export function isTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
