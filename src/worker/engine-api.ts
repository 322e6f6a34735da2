/**
 * The contract between the UI (main thread) and the engine (module Web Worker), carried by Comlink.
 * Types only: the UI imports this file without pulling any worker or protocol code into its bundle.
 * Everything crossing the boundary must survive structured cloning (plain data, no classes), except
 * the `subscribe` listener, which the UI wraps in Comlink's `proxy()`.
 */
import type { Reading } from '../core/reading';
import type { DeviceState } from '../engine/types';
import type { TraceLine } from '../core/logger';
import type { ConfigIssue, ValidationResult } from '../config/types';
import type { ViewNode } from '../protocols/cosem/attribute-view';
import type { WorkspaceApi } from './workspace-api';

export type { ConfigIssue, TraceLine, ValidationResult, ViewNode };
/** A decoded frame of a trace line (TraceLine.decoded), as the worker builds it. */
export type { DecodedNode } from './trace/tree';

/**
 * What one device is doing: the engine's states (src/engine/types.ts). `connecting`, `signing-on`,
 * `reading` and `retrying` count as "busy": the UI must not reload the page (e.g. for an app update)
 * then, because a meter dialogue would be cut half way. A type-only import: nothing of the engine
 * reaches the page's bundle.
 */
export type { DeviceState };

export interface DeviceStatus {
  device_alias: string;
  name: string;
  protocol: string;
  state: DeviceState;
  detail?: string;
  /** A note about the meter from the engine (see engine DeviceStatus.note). */
  note?: string;
}

/** `empty`: no configuration loaded; `loaded`: configuration accepted, not polling; `running`: started. */
export type EngineState = 'empty' | 'loaded' | 'running';

export interface EngineStatus {
  state: EngineState;
  /** True while any device is in a dialogue (see DeviceState). */
  busy: boolean;
  devices: DeviceStatus[];
  /** Counts of the loaded configuration (0 when empty). */
  deviceCount: number;
  signalCount: number;
}

export type EngineEvent =
  | { type: 'value'; reading: Reading }
  | { type: 'status'; device_alias: string; state: DeviceState; detail?: string }
  | { type: 'trace'; line: TraceLine }
  /** A long read on its way: bytes (or blocks) received of expected (expected 0 when unknown). */
  | { type: 'progress'; device_alias: string; done: number; expected: number }
  /** Readings could not be stored (e.g. STORAGE_FULL): they are shown, but say so. */
  | { type: 'storage'; device_alias: string; error: string; message: string };

/** One object of a DLMS association object list, ready to show. */
export interface ObjectInfo {
  classId: number;
  className: string;
  version: number;
  /** Dotted OBIS, e.g. 1.0.1.8.0.255. */
  obis: string;
  /** OBIS in words, from the dictionary. */
  description: string;
  /** SN referencing: the base name. */
  baseName?: number;
  attributes: { id: number; name: string; access?: string }[];
}

export interface AttributeValue {
  /** Display value: scaled number, text, ISO date, or JSON for structures. */
  value: number | string | boolean | null;
  unit?: string;
  /** A readable rendering of the whole A-XDR value (type and content). */
  text: string;
  /** The value decoded by its class definition (src/protocols/cosem/attribute-view.ts), for the object browser. */
  view?: ViewNode;
}

export interface ProfileRequest {
  /** DLMS: the profile's OBIS (default 1.0.99.1.0.255); IEC: `P.01` load profile or `P.98` logbook. */
  address?: string;
  /** Epoch ms range; both inclusive. */
  from: number;
  to: number;
}

export interface ProfileResult {
  device_alias: string;
  address: string;
  name: string;
  /** `address`: the captured object's OBIS (DLMS) or the channel's data-set address (IEC 62056-21). */
  columns: { name: string; unit: string; address?: string }[];
  /** ts epoch ms (null when the meter gave none), one value per column. */
  rows: { ts: number | null; values: (number | string | boolean | null)[] }[];
  /** The stored profile's id in IndexedDB (profiles are committed before they are returned). */
  storedId?: number;
}

export type EngineListener = (event: EngineEvent) => void;

/** A probe's identity as Web Serial's getInfo() gives it (WebUSB devices are posted in the same shape). */
export interface ProbeInfo {
  usbVendorId?: number;
  usbProductId?: number;
  bluetoothServiceClassId?: number | string;
}

export type LoadResult = { ok: true; deviceCount: number; signalCount: number } | { ok: false; errors: ConfigIssue[] };

/** The configuration editor's document lives in the worker too: see workspace-api.ts. */
export interface EngineApi extends WorkspaceApi {
  /** Liveness check; resolves with a short identification string. */
  ping(): Promise<string>;
  /** Parse and validate configuration text; every error comes back at once, each with its JSON path. */
  validateConfig(text: string): Promise<ValidationResult>;
  /**
   * The document as JSON text for download, in the config module's export format. Passwords and keys
   * are left out unless `includeSecrets` is true (the user's explicit choice).
   */
  exportConfig(raw: unknown, options?: { includeSecrets?: boolean }): Promise<string>;
  /**
   * Replace the engine's configuration (stopping it first if it runs). A configuration with errors
   * is refused: the errors come back and the previous state is kept.
   */
  loadConfig(raw: unknown, remember?: { name: string; text: string }): Promise<LoadResult>;
  /** `loadConfig` of a configuration's JSON text, parsed in the worker and remembered under `name`. */
  loadConfigText(name: string, text: string): Promise<LoadResult>;
  /**
   * After a reload: the configuration loaded last (remembered by `loadConfig(raw, remember)`), loaded
   * again if this worker has none yet. Undefined when nothing was remembered.
   */
  restoreConfig(): Promise<{ name: string; text: string; result: LoadResult } | undefined>;
  /** Start every enabled device of the loaded configuration. Rejects (CONFIG_INVALID) when none is loaded. */
  start(): Promise<EngineStatus>;
  stop(): Promise<EngineStatus>;
  status(): Promise<EngineStatus>;
  /**
   * Receive engine events. The listener must be wrapped with Comlink's `proxy()`. Recent trace lines
   * are replayed to a new listener so a page opened late still sees how the engine got here.
   * Resolves with an id for `unsubscribe`.
   */
  subscribe(listener: EngineListener): Promise<number>;
  unsubscribe(id: number): Promise<void>;
  /** Trace detail, 0 silent .. 7 every byte (the CLI's -d). Secrets are masked at every level. */
  setTraceLevel(level: number): Promise<void>;
  /**
   * Read every enabled signal (of one device, or all) once, now. Readings are committed to IndexedDB
   * before they are returned and emitted. Works whether or not polling is running.
   */
  readOnce(device_alias?: string): Promise<Reading[]>;
  /** Cancel reads in progress (polling stops too). */
  cancel(): Promise<void>;
  /** The built-in demo configuration (a DLMS meter, an IEC 62056-21 meter, two Elgama profiles and a DSMR 2.2 P1 port, on DEMO ports). */
  demoConfig(): Promise<unknown>;
  /** DLMS: the association object list of a device. */
  readObjectList(device_alias: string): Promise<ObjectInfo[]>;
  /** DLMS: one attribute of one object, scaled where the class has a scaler. */
  readAttribute(device_alias: string, target: { classId: number; obis: string; attribute: number }): Promise<AttributeValue>;
  /** A load profile or event log by date range (DLMS profile generic; IEC P.01 / P.98). Stored before returned. */
  readProfile(device_alias: string, request: ProfileRequest): Promise<ProfileResult>;
  /**
   * Bind a port name of the configuration (`device`, e.g. PORT1) to a serial port the user granted with
   * the picker: its getInfo() and its position among granted ports with the same USB ids. Remembered
   * in IndexedDB, so the next visit finds the probe again.
   */
  rememberPort(name: string, choice: { info: ProbeInfo; index: number }): Promise<void>;
  /**
   * Remembered port names (and whether their probe is plugged in) and granted ports not yet named; `path`
   * says how each is reached now ("USB via Web Serial", "USB via WebUSB (FTDI driver)", "Bluetooth via
   * Web Serial"), `fixedRate` whether IEC sessions keep the sign-on rate (Bluetooth unless marked).
   */
  offeredPorts(): Promise<{
    remembered: { name: string; label: string; available: boolean; path?: string; fixedRate?: boolean }[];
    unassigned: { key: string; label: string; index: number; info: ProbeInfo; path?: string; fixedRate?: boolean }[];
  }>;
  /** `navigator.usb.requestDevice` filters for the USB serial chips the WebUSB drivers know (and any CDC-ACM). */
  usbProbeFilters(): Promise<{ vendorId?: number; productId?: number; classCode?: number; subclassCode?: number }[]>;
  /** Mark the probe bound to a port name as one that cannot (true) or can (false) switch its baud rate. */
  setProbeFixedRate(name: string, fixedRate: boolean): Promise<void>;
  /** Test seam (e2e): fake USB serial adapters (per chip, a simulated meter behind each) as WebUSB's devices. */
  simulateUsb(
    probes: ('ftdi' | 'cp210x' | 'ch34x' | 'pl2303' | 'cdc-acm' | { chip: 'ftdi' | 'cp210x' | 'ch34x' | 'pl2303' | 'cdc-acm'; meter?: 'iec-mode-c' | 'dlms-mode-e' | 'dlms-hdlc'; variant?: string })[],
  ): Promise<{ vendorId: number; productId: number }[]>;
  /** Test seam (e2e): simulated probes instead of the browser's serial ports; returns their getInfo(). */
  simulateSerial(kinds: ('iec-mode-c' | 'dlms-hdlc' | 'dlms-mode-e')[]): Promise<{ usbVendorId?: number; usbProductId?: number }[]>;
  /** Test seam (e2e): unplug (false) or plug back (true) the n-th simulated probe. */
  simulatePlug(index: number, plugged: boolean): Promise<void>;
}
