/**
 * Growable float64 work buffers reused across calls, so a network's hundred convs do not each allocate (and the
 * garbage collector clear) megabytes of im2col panels. The reference runs on one thread and no kernel calls another
 * while it holds a buffer, so one buffer per purpose is enough. Contents are garbage on return: callers fill them.
 */
export class Scratch {
  private buffer = new Float64Array(0);

  take(length: number): Float64Array {
    if (this.buffer.length < length) this.buffer = new Float64Array(Math.max(length, Math.ceil(this.buffer.length * 1.5)));
    return this.buffer;
  }
}
