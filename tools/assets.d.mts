export const assetsDir: string;
export function packagedFiles(): Record<string, string>;
export function samplePhotoFile(): string;
export function stageAssets(): void;
