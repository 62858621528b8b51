export function assetFiles(): Record<string, string>;
