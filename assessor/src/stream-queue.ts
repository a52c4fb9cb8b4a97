// What one live-stream client may have waiting, and when it is too much. Pure. Frames wait here while
// the client's socket is not taking more (its send buffer full); the bound counts these and what the
// socket itself still holds in Node, so a client that stops reading costs at most `limitBytes` before
// it is disconnected, however fast the messages come.

export interface StreamQueue {
  /**
   * Queues a frame; false (and nothing queued) when the frame would take the client past the bound:
   * the caller disconnects it.
   */
  offer(frame: string, socketBufferedBytes: number): boolean;
  /** Everything queued as one chunk to write, oldest first; the queue is empty afterwards. */
  take(): string;
  readonly bytes: number;
  readonly frames: number;
}

/** Whether one more frame takes a client over its bound. */
export function overflows(
  queuedBytes: number,
  socketBufferedBytes: number,
  frameBytes: number,
  limit: number,
): boolean {
  return queuedBytes + socketBufferedBytes + frameBytes > limit;
}

export function createStreamQueue(limitBytes: number): StreamQueue {
  let frames: string[] = [];
  let bytes = 0;
  return {
    offer(frame, socketBufferedBytes) {
      const size = Buffer.byteLength(frame, 'utf8');
      if (overflows(bytes, socketBufferedBytes, size, limitBytes)) return false;
      frames.push(frame);
      bytes += size;
      return true;
    },
    take() {
      const chunk = frames.length === 1 ? frames[0] : frames.join('');
      frames = [];
      bytes = 0;
      return chunk;
    },
    get bytes() {
      return bytes;
    },
    get frames() {
      return frames.length;
    },
  };
}
