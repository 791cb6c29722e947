// Showing an address in a message without its password: the database setting's check and the
// database's description both use it.

// scheme://authority rest: enough to show a URL and point at its port when WHATWG URL refuses it.
const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;

/** A URL's parts as messages may use them; the authority's userinfo (up to its last `@`) apart. */
export function urlParts(text: string) {
  const [, scheme, authority, rest] = URL_PARTS.exec(text) ?? [];
  if (scheme === undefined || authority === undefined || rest === undefined) return undefined;
  const at = authority.lastIndexOf('@');
  return {
    scheme,
    userinfo: at === -1 ? undefined : authority.slice(0, at),
    hostPort: authority.slice(at + 1),
    rest,
  };
}

/**
 * A URL as messages may show it: its password (after `user:`, or a `password=` parameter) replaced
 * by `***`. Text that is not a URL is not shown at all (undefined): it may be anything, a password
 * included.
 *
 * @example redactUrl('postgres://u:secret@db/toar') === 'postgres://u:***@db/toar'
 */
export function redactUrl(text: string): string | undefined {
  const parts = urlParts(text);
  if (parts === undefined) return undefined;
  const { scheme, userinfo, hostPort, rest } = parts;
  const colon = userinfo?.indexOf(':') ?? -1;
  const user =
    userinfo === undefined
      ? ''
      : colon === -1
        ? `${userinfo}@`
        : `${userinfo.slice(0, colon)}:***@`;
  return `${scheme}://${user}${hostPort}${rest.replace(/([?&]password=)[^&#]*/gi, '$1***')}`;
}
