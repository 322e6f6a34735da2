/**
 * The engine worker's side of the configuration editor, as the UI sees it (types only, carried by
 * Comlink like engine-api.ts). The worker keeps the document being edited: an import is parsed and
 * validated there, the editor fetches the items in chunks and sends each edit as a small DocEdit,
 * and every validation runs there, so a 30,000-signal site never blocks the page. Every call that
 * changes the document carries the editor's `version`; a newer import or edit abandons older work.
 */
import type { ConfigIssue } from '../config/types';
import type { DocEdit } from '../ui/editor/doc-edits';

export type { DocEdit };

/** What the import box shows: never the normalised configuration (that stays in the worker). */
export type ImportCheck =
  | { kind: 'valid'; devices: number; signals: number }
  | { kind: 'invalid'; errors: ConfigIssue[] }
  | { kind: 'unreadable'; message: string };

/**
 * What the editor holds of the document: every device (a site has hundreds, not tens of thousands)
 * and, per signal, the index of the device it belongs to. Signals themselves stay in the worker and
 * are fetched a page at a time, so the page never receives, or keeps, 30,000 objects.
 */
export interface WorkspaceOutline {
  version: number;
  devices: WorkspaceItem[];
  /** For each signal, the index of the first device with its device_alias; -1 when none has it. */
  signalDevice: Int32Array;
}

export type ImportOutcome =
  /** A newer import (or a newer document) arrived while this one ran: its result is dropped. */
  | { status: 'abandoned' }
  | {
      status: 'done';
      check: ImportCheck;
      /** The editor's outline of the document, or why the form cannot show it. */
      workspace: { ok: true; outline: WorkspaceOutline; issues: ConfigIssue[] } | { ok: false; reason: string };
    };

export interface DraftOutcome {
  name: string;
  dirty: boolean;
  outline: WorkspaceOutline;
  issues: ConfigIssue[];
}

export type WorkspaceItem = Record<string, unknown>;

export interface WorkspaceApi {
  /**
   * Parse and validate configuration text, and make it the document being edited (`version` names
   * it). A chosen file is passed as its Blob: the page then never reads, decodes or copies megabytes. `check` is what an import of the text reports, duplicate keys included.
   */
  importConfigText(text: string | Blob, version: number): Promise<ImportOutcome>;
  /** Parse and validate text for the import box only (the document is not touched); a newer check abandons this one. */
  checkConfigText(text: string | Blob): Promise<ImportCheck | { kind: 'abandoned' }>;
  /**
   * Signals at these indexes of the current document (`{}` past its end). They include every edit sent
   * before; the editor drops answers that arrive after it took a newer outline.
   */
  workspaceSignals(indexes: readonly number[]): Promise<WorkspaceItem[]>;
  /**
   * Apply one edit; the document becomes `version`. Returns the index the edit created (else -1), and
   * the new outline when the edit changed it (a device or signal added, moved or removed, an alias).
   */
  editWorkspace(version: number, edit: DocEdit): Promise<{ created: number; outline?: WorkspaceOutline }>;
  /** Validate document `version`; undefined when a newer edit arrived first (its own validation follows). */
  validateWorkspace(version: number): Promise<{ version: number; issues: ConfigIssue[] } | undefined>;
  /** The document as JSON text: as written, or without passwords and keys. */
  workspaceText(options: { includeSecrets: boolean }): Promise<string>;
  /** Save the document under `name` (errors and all); returns how many errors it still has. */
  saveWorkspace(name: string): Promise<{ errors: number }>;
  /** Keep the document as the editor's draft (survives a reload or a closed tab). */
  saveWorkspaceDraft(name: string, dirty: boolean): Promise<void>;
  /** The kept draft becomes the document `version`; undefined when there is none, it is unreadable or a document was opened already. */
  restoreWorkspaceDraft(version: number): Promise<DraftOutcome | undefined>;
  /** Device and signal counts of stored configuration text, without validating it. */
  configCounts(raw: string): Promise<{ devices: number; signals: number } | undefined>;
}
