// `npm run bench`: side-by-side benchmarks against MediaPipe's FaceDetector (see issue 6).
// Until that suite exists this says so, rather than printing numbers nobody measured.
console.log('no benchmarks yet');
