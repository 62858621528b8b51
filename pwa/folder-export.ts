// "Save to a folder…": the gallery's exports written into a folder the person picks with the File System Access
// API (showDirectoryPicker), where the browser has it (Chromium on the desktop); elsewhere the button stays hidden.
// A file of the same name already there is kept: the new one is saved beside it as "name (2).ext".

import { numberedName } from './files.ts';

interface DirectoryPicker {
  showDirectoryPicker(options: { mode: 'readwrite'; id: string }): Promise<FileSystemDirectoryHandle>;
}

const hasDirectoryPicker = (scope: object): scope is DirectoryPicker => 'showDirectoryPicker' in scope;

/**
 * Shows `button` where folders can be picked; a click asks for one (first, while the click still allows it), then
 * writes the files `exported()` makes into it and `say`s what was saved.
 */
export function wireFolderExport(button: HTMLButtonElement, exported: () => Promise<File[]>, say: (message: string) => void): void {
  button.hidden = !hasDirectoryPicker(window);
  button.addEventListener('click', async () => {
    if (!hasDirectoryPicker(window)) return;
    let folder: FileSystemDirectoryHandle;
    try {
      folder = await window.showDirectoryPicker({ mode: 'readwrite', id: 'blaze-face-export' });
    } catch (error) {
      // Closing the picker is not a failure.
      if ((error as Error).name === 'AbortError') return;
      say(`Saving to a folder failed: ${(error as Error).message}`);
      return;
    }
    try {
      say('Saving to the folder…');
      const names: string[] = [];
      for (const file of await exported()) names.push(await write(folder, file));
      say(`Saved in ${folder.name}: ${names.join(', ')}.`);
    } catch (error) {
      say(`Saving to ${folder.name} failed: ${(error as Error).message}`);
    }
  });
}

/** Writes `file` into `folder` under its name, or the first "name (n).ext" not taken there; the name used. */
async function write(folder: FileSystemDirectoryHandle, file: File): Promise<string> {
  for (let copy = 1; ; copy++) {
    const name = numberedName(file.name, copy);
    if (await exists(folder, name)) continue;
    const writable = await (await folder.getFileHandle(name, { create: true })).createWritable();
    await writable.write(file);
    await writable.close();
    return name;
  }
}

async function exists(folder: FileSystemDirectoryHandle, name: string): Promise<boolean> {
  try {
    await folder.getFileHandle(name);
    return true;
  } catch (error) {
    if ((error as Error).name === 'NotFoundError') return false;
    throw error;
  }
}
