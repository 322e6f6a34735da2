/**
 * The save picker answered in a headless browser, shared by the e2e specs and the app bench (which
 * drives playwright-core, not the test runner: hence a structural page type).
 */
export interface ScriptablePage {
  addInitScript(script: () => void): Promise<unknown>;
}

/** The page-side record of files the (answered) save picker handed out. */
export interface PickerRecord {
  __pickerSaved: string[];
  /** 'save' (default) answers the dialog with a file; 'cancel' answers it as a user who closed it. */
  __pickerAnswer: 'save' | 'cancel';
}

/**
 * Keep the REAL showSaveFilePicker and answer its dialog. Headless Chromium validates the arguments
 * (an `accept` key like "text/csv;charset=utf-8" throws a TypeError) and then rejects with AbortError,
 * because it has no dialog to show; Playwright cannot answer it either (its filechooser event does not
 * fire for the File System Access pickers, microsoft/playwright#8850). So the real function is called
 * with the app's own arguments, and only when it aborts for want of a dialog does the test supply the
 * user's choice: a file of the suggested name in the page's origin-private file system. Any other
 * failure reaches the app unchanged, so a bad `accept` fails the test.
 */
export async function answerSavePicker(page: ScriptablePage): Promise<void> {
  await page.addInitScript(() => {
    type Options = { suggestedName?: string };
    const w = window as unknown as PickerRecord & { showSaveFilePicker: (o?: Options) => Promise<unknown> };
    const real = w.showSaveFilePicker.bind(window);
    w.__pickerSaved = [];
    w.__pickerAnswer = 'save';
    w.showSaveFilePicker = async (options?: Options) => {
      try {
        // Called before anything is awaited, so the click's user activation still counts.
        return await real(options);
      } catch (e) {
        if ((e as { name?: string }).name !== 'AbortError' || w.__pickerAnswer === 'cancel') throw e;
      }
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('e2e-saved', { create: true });
      const name = options?.suggestedName ?? 'untitled';
      const handle = await dir.getFileHandle(name, { create: true });
      w.__pickerSaved.push(name);
      return handle;
    };
  });
}

