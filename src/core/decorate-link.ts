import type { Link } from './link';

/** The Link operations a decorator may replace; everything else always goes straight to the link below. */
export type LinkOverrides = Partial<Pick<Link, 'write' | 'read' | 'setLine' | 'discardInput' | 'close'>>;

/**
 * A Link that forwards to `link` (kind, line, onLost live, not copied) except for the operations given:
 * the one place that knows how to pass a Link through, for the links that watch, delay or prefix it.
 */
export function decorateLink(link: Link, overrides: LinkOverrides): Link {
  return {
    get kind() {
      return link.kind;
    },
    get line() {
      return link.line;
    },
    get maxBaudRate() {
      return link.maxBaudRate;
    },
    get onLost() {
      return link.onLost;
    },
    set onLost(fn) {
      link.onLost = fn;
    },
    write: overrides.write ?? ((bytes) => link.write(bytes)),
    read: overrides.read ?? ((maxWaitMs) => link.read(maxWaitMs)),
    setLine: overrides.setLine ?? ((settings) => link.setLine(settings)),
    discardInput: overrides.discardInput ?? (() => link.discardInput()),
    close: overrides.close ?? (() => link.close()),
  };
}
