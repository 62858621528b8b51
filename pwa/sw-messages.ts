// Messages the page sends to the service worker. SKIP_WAITING is the name workbox-window's
// messageSkipWaiting() uses; GET_VERSION lets the page (and the tests) ask which version is in control.
export const swMessageTypes = {
  skipWaiting: 'SKIP_WAITING',
  getVersion: 'GET_VERSION',
} as const;
