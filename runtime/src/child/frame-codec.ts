/**
 * Newline-delimited JSON frames, the only thing that crosses between host and child. JSON text never
 * holds a raw newline, so a newline ends a frame. The reader refuses a frame longer than `maxBytes`
 * before buffering more of it: a child cannot make the host hold an unbounded message.
 */
export interface FrameReader {
  push(chunk: Buffer): void;
}

export function createFrameReader(
  maxBytes: number,
  onFrame: (text: string) => void,
  onOversize: (bytes: number) => void,
): FrameReader {
  let parts: Buffer[] = [];
  let size = 0;
  let stopped = false;
  return {
    push(chunk) {
      if (stopped) return;
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(10, start);
        const end = newline === -1 ? chunk.length : newline;
        size += end - start;
        if (size > maxBytes) {
          stopped = true;
          parts = [];
          onOversize(size);
          return;
        }
        if (end > start) parts.push(chunk.subarray(start, end));
        if (newline === -1) return;
        // A frame inside one chunk (the usual case) is decoded in place, without a copy.
        const text =
          parts.length === 1
            ? parts[0]!.toString('utf8')
            : parts.length === 0
              ? ''
              : Buffer.concat(parts, size).toString('utf8');
        parts = [];
        size = 0;
        start = newline + 1;
        onFrame(text);
        if (stopped) return;
      }
    },
  };
}
