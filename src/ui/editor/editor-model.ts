/**
 * What the editor holds of the document, and what the engine worker last said about it. The worker
 * owns the document (src/worker/config-workspace.ts): imports are parsed and validated there, and
 * the editor keeps only the outline (every device, and each signal's device) plus the signals it
 * shows, fetched a page at a time. A field edit is applied here at once (the form shows what the user
 * typed) and sent to the worker as the same DocEdit; an edit that changes the outline (add, remove,
 * duplicate, an alias) is applied by the worker, which sends the new outline back. The worker
 * validates after every edit and the issues come back, indexed by item. One instance per tab, so
 * leaving the Meters page and coming back loses nothing. No DOM: unit tested against the workspace.
 */
import type { ConfigIssue } from '../../config';
import type { DraftOutcome, ImportCheck, WorkspaceApi, WorkspaceOutline } from '../../worker/workspace-api';
import { setField, type Item } from './config-doc';
import { changesOutline, type DocEdit } from './doc-edits';
import { IssueIndex } from './issue-index';

export type OpenResult =
  | { status: 'abandoned' }
  | { status: 'done'; check: ImportCheck; opened: boolean; reason?: string };

const NO_SIGNALS: readonly number[] = [];

export class EditorModel extends EventTarget {
  devices: Item[] = [];
  issues: IssueIndex = IssueIndex.empty();
  name = '';
  dirty = false;
  /** Set while the worker parses, validates or hands over a document: the form is read-only then. */
  loading: string | undefined;
  /** True from an edit until the worker's verdict on it arrives. */
  checking = false;
  /** True while an edit that changes the outline is applied by the worker (the form waits for it). */
  applying = false;
  private version = 0;
  /** Bumped with every new outline: signals fetched for an older one are dropped. */
  private outlineId = 0;
  private signalDevice: Int32Array = new Int32Array(0);
  private lists: { byDevice: number[][]; orphans: number[] } | undefined;
  private readonly signals = new Map<number, Item>();
  private readonly fetching = new Set<number>();
  private restoring: Promise<void> | undefined;

  constructor(private readonly engine: () => WorkspaceApi) {
    super();
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  get signalCount(): number {
    return this.signalDevice.length;
  }

  get hasWork(): boolean {
    return this.devices.length > 0 || this.signalCount > 0;
  }

  /** Signal lists per device, built in one pass over the outline the first time they are asked for. */
  private signalLists(): { byDevice: number[][]; orphans: number[] } {
    if (!this.lists) {
      const byDevice = this.devices.map((): number[] => []);
      const orphans: number[] = [];
      this.signalDevice.forEach((d, j) => (d >= 0 && byDevice[d] ? byDevice[d].push(j) : orphans.push(j)));
      this.lists = { byDevice, orphans };
    }
    return this.lists;
  }

  /** Signal indexes of device `i` (of the first device with its alias, as the validator reads it). */
  signalsOf(i: number): readonly number[] {
    const alias = this.devices[i]?.device_alias;
    if (typeof alias !== 'string') return NO_SIGNALS;
    const first = this.devices.findIndex((d) => d.device_alias === alias);
    return this.signalLists().byDevice[first] ?? NO_SIGNALS;
  }

  /** Signals whose device_alias names no device. */
  get orphans(): readonly number[] {
    return this.signalLists().orphans;
  }

  /** The device alias signal `j` belongs to, from the outline. */
  private aliasOfSignal(j: number): unknown {
    const d = this.signalDevice[j] ?? -1;
    return d >= 0 ? this.devices[d]?.device_alias : undefined;
  }

  /** Signal `j` when it has been fetched; else undefined (ask with `want`). */
  signal(j: number): Item | undefined {
    return this.signals.get(j);
  }

  /** Fetch the signals at these indexes that are not here yet (one request); 'change' when they are. */
  want(indexes: readonly number[]): void {
    const missing = indexes.filter((j) => j < this.signalCount && !this.signals.has(j) && !this.fetching.has(j));
    if (missing.length === 0 || this.loading !== undefined) return;
    for (const j of missing) this.fetching.add(j);
    const outline = this.outlineId;
    void this.engine()
      .workspaceSignals(missing)
      .then((items) => {
        // Asked before a newer outline was taken: those indexes may name other signals now.
        if (outline !== this.outlineId) return;
        for (const j of missing) this.fetching.delete(j);
        items.forEach((item, k) => this.signals.set(missing[k]!, item as Item));
        this.changed();
      })
      .catch(() => {
        for (const j of missing) this.fetching.delete(j);
      });
  }

  private adoptOutline(outline: WorkspaceOutline): void {
    this.outlineId++;
    this.devices = outline.devices as Item[];
    this.signalDevice = outline.signalDevice;
    this.lists = undefined;
    this.signals.clear();
    this.fetching.clear();
  }

  private setIssues(issues: readonly ConfigIssue[]): void {
    this.issues = new IssueIndex(issues, (j) => this.aliasOfSignal(j));
    this.checking = false;
  }

  /**
   * Parse and validate configuration text (or a chosen file) in the worker and, when the form can
   * show it, make it the document. A newer call abandons this one (the worker stops validating it).
   */
  async openText(text: string | Blob, name: string, options: { dirty?: boolean } = {}): Promise<OpenResult> {
    // Read-only from this moment: an edit typed now would land on the document being replaced.
    const version = ++this.version;
    this.loading = 'Checking the configuration in the engine…';
    this.changed();
    try {
      await this.restoring;
      const out = await this.engine().importConfigText(text, version);
      if (out.status === 'abandoned' || version !== this.version) return { status: 'abandoned' };
      const ws = out.workspace;
      if (!ws.ok) return { status: 'done', check: out.check, opened: false, reason: ws.reason };
      this.adoptOutline(ws.outline);
      this.setIssues(ws.issues);
      this.name = name;
      this.dirty = options.dirty ?? false;
      return { status: 'done', check: out.check, opened: true };
    } finally {
      if (version === this.version) {
        this.loading = undefined;
        this.changed();
      }
    }
  }

  /** Bring back the kept draft, once per tab (before any import, which then replaces it). */
  restoreDraft(): Promise<void> {
    this.restoring ??= (async () => {
      const version = ++this.version;
      let draft: DraftOutcome | undefined;
      try {
        draft = await this.engine().restoreWorkspaceDraft(version);
      } catch {
        return; // no IndexedDB: the editor still works, it just cannot keep a draft
      }
      if (!draft || version !== this.version) return;
      this.adoptOutline(draft.outline);
      this.setIssues(draft.issues);
      this.name = draft.name;
      this.dirty = draft.dirty;
      this.changed();
    })();
    return this.restoring;
  }

  /**
   * Apply an edit here and in the worker; resolves with the index it created (else -1). Refused while
   * a document is being opened or an outline change is applied: the edit would land on a document
   * that is about to be replaced.
   */
  async edit(edit: DocEdit): Promise<number> {
    if (this.loading !== undefined || this.applying) return -1;
    const version = ++this.version;
    this.dirty = true;
    this.checking = true;
    const engine = this.engine();
    let created = -1;
    if (changesOutline(edit)) {
      this.applying = true;
      this.changed();
      try {
        const r = await engine.editWorkspace(version, edit);
        created = r.created;
        if (r.outline) this.adoptOutline(r.outline);
      } finally {
        this.applying = false;
      }
    } else {
      // One field of one item: the same change here, so the input keeps what the user typed.
      const item = edit.op === 'set-device' ? this.devices[edit.index] : edit.op === 'set-signal' ? this.signals.get(edit.index) : undefined;
      if (item && (edit.op === 'set-device' || edit.op === 'set-signal')) setField(item, edit.name, edit.value);
      void engine.editWorkspace(version, edit);
    }
    this.changed();
    void engine
      .validateWorkspace(version)
      .then((r) => {
        if (!r || r.version !== this.version) return;
        this.setIssues(r.issues);
        this.changed();
      })
      .catch(() => {
        this.checking = false;
        this.changed();
      });
    return created;
  }

  setName(name: string): void {
    this.name = name;
    this.changed();
  }

  markSaved(): void {
    this.dirty = false;
    this.changed();
  }
}
