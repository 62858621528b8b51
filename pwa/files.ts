// Files the app hands back: downloads, and their names.

/** How long a download's object URL is kept: the browser reads it after the click, not during it. */
const DOWNLOAD_URL_LIFETIME_MS = 60_000;

/** Saves `file` through the browser's download, under its own name. */
export function download(file: File): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(file);
  link.download = file.name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), DOWNLOAD_URL_LIFETIME_MS);
}

/** `name` without its extension. */
export function baseName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** The `copy`th file of `name`: the name itself, then `name (2).ext`, `name (3).ext`… */
export function numberedName(name: string, copy: number): string {
  if (copy === 1) return name;
  const base = baseName(name);
  return `${base} (${copy})${name.slice(base.length)}`;
}
