/**
 * The document the configuration editor works on, kept in the engine worker (see workspace-api.ts):
 * imports are parsed and validated here, edits arrive as DocEdits and are applied with the same pure
 * function the editor uses, and validation runs here, abortable, so a newer import or edit abandons
 * the one running instead of queueing behind it.
 */
import type { ConfigIssue, ValidationResult } from '../config/types';
import { docText, emptyDoc, toDoc, type ConfigDoc } from '../ui/editor/config-doc';
import { applyEdit, changesOutline, type DocEdit } from '../ui/editor/doc-edits';
import type { MeterStore } from '../store';
import type { DraftOutcome, ImportCheck, WorkspaceApi, WorkspaceOutline } from './workspace-api';

/** Unsaved editor work survives a reload or a closed tab: kept as a draft in IndexedDB. */
export const DRAFT_KEY = 'editor.draft';

interface Draft {
  name: string;
  doc: ConfigDoc;
  dirty: boolean;
}

export interface WorkspaceDeps {
  /** Parse (text) and validate (text or document), pausing now and then; rejects once `signal` aborts. */
  validate: (input: unknown, signal: AbortSignal) => Promise<ValidationResult>;
  /** The config module's export text of a document (passwords and keys left out unless asked for). */
  exportText: (doc: ConfigDoc, includeSecrets: boolean) => string;
  store: () => Promise<Pick<MeterStore, 'getSetting' | 'setSetting' | 'saveConfig'>>;
  /** One turn of the event loop, so edits already queued are applied before a validation starts. */
  pause: () => Promise<void>;
}

const isAbort = (e: unknown): boolean => e instanceof Error && e.name === 'AbortError';
const withoutBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** The text as JSON, or undefined when it is not JSON (the validator has said where already). */
function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(withoutBom(text));
  } catch {
    return undefined;
  }
}

const textOf = async (source: string | Blob): Promise<string> => (typeof source === 'string' ? source : source.text());

/** What the import box shows: counts, or every error with its JSON path (a syntax error included). */
function checkOf(result: ValidationResult): ImportCheck {
  if (result.ok) return { kind: 'valid', devices: result.config.devices.length, signals: result.config.signals.length };
  return { kind: 'invalid', errors: result.errors };
}

export class ConfigWorkspace {
  private doc: ConfigDoc = emptyDoc();
  private version = 0;
  private importing: AbortController | undefined;
  private validating: AbortController | undefined;
  private checking: AbortController | undefined;

  constructor(private readonly deps: WorkspaceDeps) {}

  /** Abort what runs for an older document; the caller's document replaces it. */
  private supersede(): AbortController {
    this.importing?.abort();
    this.validating?.abort();
    const ctl = new AbortController();
    this.importing = ctl;
    return ctl;
  }

  private adopt(doc: ConfigDoc, version: number): void {
    this.doc = doc;
    this.version = version;
  }

  readonly api: WorkspaceApi = {
    importConfigText: async (source, version) => {
      const ctl = this.supersede();
      try {
        const text = await textOf(source);
        const result = await this.deps.validate(text, ctl.signal);
        if (ctl.signal.aborted) return { status: 'abandoned' };
        const parsed = result.ok ? result.raw : parsedOrUndefined(text);
        const check = checkOf(result);
        if (parsed === undefined) return { status: 'done', check, workspace: { ok: false, reason: 'the text is not valid JSON' } };
        const d = toDoc(parsed, { clone: false });
        if (!d.ok) return { status: 'done', check, workspace: { ok: false, reason: d.reason } };
        this.adopt(d.doc, version);
        return { status: 'done', check, workspace: { ok: true, outline: this.outline(), issues: result.ok ? [] : result.errors } };
      } catch (e) {
        if (isAbort(e)) return { status: 'abandoned' };
        throw e;
      } finally {
        if (this.importing === ctl) this.importing = undefined;
      }
    },

    checkConfigText: async (text) => {
      this.checking?.abort();
      const ctl = new AbortController();
      this.checking = ctl;
      try {
        const result = await this.deps.validate(await textOf(text), ctl.signal);
        if (ctl.signal.aborted) return { kind: 'abandoned' };
        return checkOf(result);
      } catch (e) {
        if (isAbort(e)) return { kind: 'abandoned' };
        throw e;
      } finally {
        if (this.checking === ctl) this.checking = undefined;
      }
    },

    workspaceSignals: async (indexes) => indexes.map((j) => this.doc.signals[j] ?? {}),

    editWorkspace: async (version, edit: DocEdit) => {
      this.validating?.abort();
      const created = applyEdit(this.doc, edit);
      this.version = version;
      return changesOutline(edit) ? { created, outline: this.outline() } : { created };
    },

    validateWorkspace: async (version) => {
      this.validating?.abort();
      const ctl = new AbortController();
      this.validating = ctl;
      // Edits typed meanwhile are already queued: let them in, then only the newest is validated.
      await this.deps.pause();
      if (ctl.signal.aborted || version !== this.version) return undefined;
      try {
        const result = await this.deps.validate(this.doc, ctl.signal);
        if (ctl.signal.aborted || version !== this.version) return undefined;
        return { version, issues: result.ok ? [] : result.errors };
      } catch (e) {
        if (isAbort(e)) return undefined;
        throw e;
      } finally {
        if (this.validating === ctl) this.validating = undefined;
      }
    },

    workspaceText: async ({ includeSecrets }) => (includeSecrets ? docText(this.doc) : this.deps.exportText(this.doc, false)),

    saveWorkspace: async (name) => {
      const text = docText(this.doc);
      const issues = await this.issuesNow();
      // Saved even with errors: a half-finished configuration is work the technician must not lose.
      await (await this.deps.store()).saveConfig(name, text);
      return { errors: issues.length };
    },

    saveWorkspaceDraft: async (name, dirty) => {
      const draft: Draft = { name, doc: this.doc, dirty };
      await (await this.deps.store()).setSetting(DRAFT_KEY, draft);
    },

    restoreWorkspaceDraft: async (version): Promise<DraftOutcome | undefined> => {
      const draft = await (await this.deps.store()).getSetting<Draft>(DRAFT_KEY);
      if (!draft || typeof draft !== 'object') return undefined;
      const d = toDoc(draft.doc, { clone: false });
      // Only into an untouched workspace: an import that began meanwhile is what the user wants.
      if (!d.ok || this.version !== 0 || this.importing) return undefined;
      this.adopt(d.doc, version);
      const issues = await this.issuesNow();
      if (this.version !== version) return undefined;
      return { name: typeof draft.name === 'string' ? draft.name : '', dirty: draft.dirty === true, outline: this.outline(), issues };
    },

    configCounts: async (raw) => {
      try {
        const doc = JSON.parse(withoutBom(raw)) as { devices?: unknown; signals?: unknown };
        if (typeof doc !== 'object' || doc === null) return undefined;
        return { devices: Array.isArray(doc.devices) ? doc.devices.length : 0, signals: Array.isArray(doc.signals) ? doc.signals.length : 0 };
      } catch {
        return undefined;
      }
    },
  };

  /** Every device, and which device each signal belongs to (see WorkspaceOutline). */
  private outline(): WorkspaceOutline {
    const first = new Map<string, number>();
    this.doc.devices.forEach((d, i) => {
      if (typeof d.device_alias === 'string' && !first.has(d.device_alias)) first.set(d.device_alias, i);
    });
    const signalDevice = new Int32Array(this.doc.signals.length);
    this.doc.signals.forEach((s, j) => {
      signalDevice[j] = typeof s.device_alias === 'string' ? (first.get(s.device_alias) ?? -1) : -1;
    });
    return { version: this.version, devices: this.doc.devices, signalDevice };
  }

  /** The current document's issues, validated to the end (no newer work can abandon a save). */
  private async issuesNow(): Promise<ConfigIssue[]> {
    const r = await this.deps.validate(this.doc, new AbortController().signal);
    return r.ok ? [] : r.errors;
  }
}
