// "Open with blaze-face": an installed app opened with files (the manifest's file_handlers) gets them through
// window.launchQueue, which only Chromium-based browsers have, as handles to read.

/** A launch, as far as the app reads it: the handles of the files it was opened with (LaunchParams.files). */
export interface Launch {
  readonly files: readonly FileSystemHandle[];
}

interface LaunchQueue {
  setConsumer(consumer: (launch: Launch) => void): void;
}

/** The files of `launch` (folders, which file handlers do not send, are left out). */
export function launchedFiles(launch: Launch): Promise<File[]> {
  const handles = launch.files.filter((handle): handle is FileSystemFileHandle => handle.kind === 'file');
  return Promise.all(handles.map((handle) => handle.getFile()));
}

/** Hands every launch of the app to `consumer`, where the browser launches apps with files. */
export function consumeLaunches(consumer: (launch: Launch) => void): void {
  (window as { launchQueue?: LaunchQueue }).launchQueue?.setConsumer(consumer);
}
