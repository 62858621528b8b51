export const isolationHeaders: Record<string, string>;
export const samplePhotoPath: string;
