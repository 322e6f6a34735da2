import { decorateLink } from './decorate-link';
import type { Link } from './link';

/**
 * A Link whose first read returns `prefix` — bytes a previous reader took off the line but did not
 * use (a mode E sign-on that received the first HDLC frame in the same chunk as its last message).
 * Everything else goes straight to `link`.
 */
export function prefixedLink(link: Link, prefix: Uint8Array): Link {
  if (prefix.length === 0) return link;
  let pending: Uint8Array | undefined = prefix;
  return decorateLink(link, {
    async read(maxWaitMs) {
      if (pending) {
        const out = pending;
        pending = undefined;
        return out;
      }
      return link.read(maxWaitMs);
    },
    discardInput() {
      pending = undefined;
      link.discardInput();
    },
  });
}
