// Build-time constants and Vite's import.meta.env, for the app and its service worker.
/// <reference types="vite/client" />

/** The app version, set by vite.config.ts (BLAZE_FACE_APP_VERSION or package.json's version). */
declare const __APP_VERSION__: string;
