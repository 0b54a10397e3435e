import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// Who may talk to the browser-mode server. The token proves the caller was given the printed URL;
// the Host check stops a DNS-rebinding page (its own name pointing at 127.0.0.1) from reading
// anything; the Origin check stops another site's page from sending state-changing requests.

/** The two names the server answers to; any other Host is a page reaching it under a foreign name. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** Whether an Origin header names the server's own page. */
export function ownOrigin(origin: string, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

// Cookies are shared by every port of a host: each server's cookie carries its port in its name.
const cookieName = (port: number) => `retainlab-token-${port}`;

/** The Set-Cookie value that carries the token from the first page load on, out of the page's reach and never sent by other sites. */
export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** Whether two tokens are equal, in time that does not depend on where they differ. */
export function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token given in the Authorization header, if any (scripts and tests). */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
}

/** The token in this server's cookie, if any (the page after its first load). */
export function cookieToken(req: IncomingMessage, port: number): string | null {
  const name = `${cookieName(port)}=`;
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const trimmed = part.trim();
    if (trimmed.startsWith(name)) return trimmed.slice(name.length);
  }
  return null;
}

/**
 * Whether an API, upload or event request may proceed: 'ok', or the status to refuse it with.
 * The token comes from the Bearer header or the cookie, never the query string. A request that
 * changes state (or opens the event stream) from a foreign Origin is refused whatever it carries;
 * one authenticated by the cookie must name its Origin, as browsers do (scripts use the header).
 */
export function checkCaller(req: IncomingMessage, port: number, token: string, changesState: boolean): 'ok' | 401 | 403 {
  const { origin } = req.headers;
  if (changesState && origin !== undefined && !ownOrigin(origin, port)) return 403;
  const bearer = bearerToken(req);
  const given = bearer ?? cookieToken(req, port);
  if (given === null || !sameToken(given, token)) return 401;
  return changesState && bearer === null && origin === undefined ? 403 : 'ok';
}
