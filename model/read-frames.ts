// The read loop shared by everything that takes a video track's frames as they come (a track processor's stream):
// the element's frame tap and the redaction worker's input.

/**
 * Hands each frame `reader` reads to `receive`, until the stream ends, fails (a failed track ends like one that is
 * over), or `released()` says the reader was let go of: a frame read after that is closed, not handed over. Before
 * each read, waits for what `held()` gives, if anything (a reader paused by its owner).
 */
export async function readFrames(
  reader: ReadableStreamDefaultReader<VideoFrame>, receive: (frame: VideoFrame) => void, released: () => boolean,
  held: () => Promise<void> | undefined = () => undefined,
): Promise<void> {
  try {
    for (;;) {
      await held();
      if (released()) return;
      const { value: frame, done } = await reader.read();
      if (done) return;
      if (released()) {
        frame.close();
        return;
      }
      receive(frame);
    }
  } catch {
    // A failed stream ends as one that is over.
  }
}
