/**
 * MQTT topic names for readings, link status and the poller's own state. Aliases come from the user's
 * configuration, so they are made safe as one topic level: `+` and `#` are wildcards (a publish to them
 * is refused), `/` would split the level, and a leading `$` puts a topic among the broker's own
 * ($SYS), which subscribers to `#` never see.
 */

/** One topic level from free text: wildcards, separators and NUL become `_`, a leading `$` too. */
export function topicLevel(text: string): string {
  const clean = text.replace(/[+#/\u0000]/g, '_').replace(/^\$/, '_');
  return clean === '' ? '_' : clean;
}

/** A prefix may have several levels (`site/meters`); each is cleaned, empty levels are dropped. */
export function topicPrefix(text: string): string {
  const levels = text.split('/').filter((l) => l !== '').map(topicLevel);
  return levels.length === 0 ? 'meterscope' : levels.join('/');
}

export class Topics {
  readonly prefix: string;
  constructor(prefix: string, readonly pollerId: string) {
    this.prefix = topicPrefix(prefix);
  }

  reading(device_alias: string, signal_alias: string): string {
    return `${this.prefix}/${topicLevel(device_alias)}/${topicLevel(signalTopicAlias(signal_alias))}`;
  }

  /** Link status of one device (retained JSON). A signal aliased `status` is published as `status_`. */
  deviceStatus(device_alias: string): string {
    return `${this.prefix}/${topicLevel(device_alias)}/status`;
  }

  /** `online` / `offline` (the last will), retained: what Home Assistant's availability follows. */
  pollerState(): string {
    return `${this.prefix}/pollers/${topicLevel(this.pollerId)}/state`;
  }

  /** The poller's counters (spooled, published, dropped) as retained JSON. */
  pollerStatus(): string {
    return `${this.prefix}/pollers/${topicLevel(this.pollerId)}/status`;
  }
}

/**
 * Signal aliases that would collide with the per-device `status` topic are published under
 * `status_`; the rename is documented (docs/cli.md) rather than silently mixing two payload shapes.
 */
export function signalTopicAlias(signal_alias: string): string {
  return signal_alias === 'status' ? 'status_' : signal_alias;
}
