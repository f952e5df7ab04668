import { execFile } from "node:child_process";
import { constants, openSync } from "node:fs";
import { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * A named pipe between the pre-pass and DuckDB, so that DuckDB reads the numbered records while they are being
 * written (its CSV reader parses a pipe's buffers on all its threads) instead of after the whole file was written.
 * Node has no mkfifo, so this runs the `mkfifo` program; where it is missing, the caller falls back to a file.
 */

/** Makes a named pipe at `path`; false when the system cannot (no `mkfifo` program, or a file system without). */
export function makeFifo(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile("mkfifo", ["-m", "600", path], (error) => resolve(error === null));
  });
}

/** Where the pre-pass streams its numbered output besides the file (see prepare.ts `Writer`). */
export interface ByteSink {
  /** Resolves once `buffer[start, end)` was handed to the kernel: the buffer may then be reused. */
  write(buffer: Buffer, start: number, end: number): Promise<void>;
  /** Ends the stream (the reader sees the end of the file); resolves when everything was written. */
  close(): Promise<void>;
  /** Drops the stream without waiting (a failed conversion). */
  destroy(): void;
}

/**
 * The writing end of a named pipe. Opening it waits for the reader (DuckDB opens the pipe when its query starts):
 * a non-blocking open fails with ENXIO until then, so it polls, and gives up when `readerDone` settles first (the
 * query failed before it opened the pipe). The descriptor is then driven by libuv like a socket: writes wait for
 * room in the pipe without holding a thread-pool thread, and a reader that went away fails them with EPIPE.
 */
export class FifoSink implements ByteSink {
  private constructor(private readonly socket: Socket) {
    // Errors reach the writes and close() through their callbacks; this keeps one from being unhandled.
    socket.on("error", () => undefined);
  }

  static async open(path: string, readerDone: Promise<unknown>): Promise<FifoSink> {
    let settled = false;
    const watch = readerDone.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (let wait = 1; ; wait = Math.min(wait * 2, 20)) {
      try {
        const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
        return new FifoSink(new Socket({ fd, readable: false, writable: true }));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENXIO") throw error;
      }
      await Promise.race([sleep(wait), watch]);
      if (settled) throw new Error(`the reader of ${path} finished without opening it`);
    }
  }

  write(buffer: Buffer, start: number, end: number): Promise<void> {
    if (end <= start) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.write(buffer.subarray(start, end), (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) {
        resolve();
        return;
      }
      this.socket.once("error", reject);
      this.socket.end(() => resolve());
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}
