/**
 * Credentials in a URL's userinfo (`http://user:pw@host`). A recorded target drops them entirely rather
 * than masking them: `http://user:[REDACTED]@host` is not a URL anyone can resume against, while
 * `http://host` is, with the credentials given again (flag, env var or `.runbookrc`).
 */

/** HTTP basic-auth credentials taken out of a URL. */
export interface BasicAuth {
  username: string;
  password: string;
}

/** A URL without its userinfo, and the credentials that were in it. */
export interface SplitUrl {
  url: string;
  auth?: BasicAuth;
}

const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i;

/** Splits `scheme://user:pw@host/path` into `scheme://host/path` and `{ username, password }`. */
export function splitUserinfo(url: string): SplitUrl {
  const match = USERINFO.exec(url);
  if (!match) return { url };
  const userinfo = match[2]!;
  const colon = userinfo.indexOf(':');
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const username = decode(colon < 0 ? userinfo : userinfo.slice(0, colon));
  const password = colon < 0 ? '' : decode(userinfo.slice(colon + 1));
  return { url: match[1]! + url.slice(match[0].length), auth: { username, password } };
}
