/**
 * The real backend of the worker: src/engine's Engine with the protocol drivers, readings committed
 * to IndexedDB before they are shown, and the ports a device names opened by `openLink` (the demo
 * meters, Web Serial, the WebSocket bridge).
 */
import type { Clock } from '../core/clock';
import type { Link } from '../core/link';
import type { Reading } from '../core/reading';
import type { DeviceConfig } from '../config/types';
import { Engine } from '../engine/engine';
import { createDriverFactory } from '../engine/drivers';
import type { InvocationCounterStore } from '../protocols/dlms-client/invocation-counter';
import type { MeterKnowledgeStore } from '../protocols/dlms-client/knowledge';
import { IdbMeterKnowledgeStore } from '../store/meter-knowledge';
import type { EngineEvent as CoreEngineEvent } from '../engine/types';
import type { EngineBackendFactory } from './engine-host';

export interface ProtocolBackendOptions {
  openLink(device: DeviceConfig, clock: Clock): Promise<Link>;
  /** Commit readings (IndexedDB). Called before anything is shown; a failure is reported, not lost. */
  commit?(readings: Reading[]): Promise<void>;
  commitEvents?(events: { ts: number; device_alias: string; signal_alias?: string; kind: string; message: string }[]): Promise<void>;
  /** DLMS invocation counters, kept across sessions and reloads. */
  counterStore?: InvocationCounterStore;
  /** What the DLMS reader learnt per meter; default IndexedDB when the environment has it. */
  knowledgeStore?: MeterKnowledgeStore;
}

export function protocolBackend(opts: ProtocolBackendOptions): EngineBackendFactory {
  const knowledgeStore = opts.knowledgeStore ?? ('indexedDB' in globalThis ? new IdbMeterKnowledgeStore() : undefined);
  return (config, ctx) => {
    const onEvent = (e: CoreEngineEvent) => {
      switch (e.type) {
        case 'value':
          ctx.value(e.reading);
          break;
        case 'status':
          ctx.status(e.device_alias, e.state, e.detail);
          break;
        case 'progress':
          ctx.progress(e.device_alias, e.done, e.expected);
          break;
        case 'storage':
          ctx.storage(e.device_alias, e.error, e.message);
          break;
        default:
          break;
      }
    };
    const engine = new Engine({
      config,
      clock: ctx.clock,
      logger: ctx.logger,
      openLink: (device) => opts.openLink(device, ctx.clock),
      createDriver: createDriverFactory({
        ...(opts.counterStore ? { counterStore: opts.counterStore } : {}),
        ...(knowledgeStore ? { knowledgeStore } : {}),
      }),
      // PUSH devices keep their last accepted invocation counter where the drivers keep theirs.
      ...(opts.counterStore ? { pushCounterStore: opts.counterStore } : {}),
      ...(opts.commit ? { commit: opts.commit } : {}),
      ...(opts.commitEvents ? { commitEvents: opts.commitEvents } : {}),
      onEvent,
    });
    return {
      engine,
      start: () => engine.start(),
      stop: () => engine.stop(),
      readOnce: (device_alias) => engine.readOnce(device_alias === undefined ? {} : { device_alias }),
    };
  };
}
