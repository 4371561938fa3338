import { closeSync, openSync, readSync } from 'node:fs';

/** Bytes of one page, the unit of the resident set size in /proc/<pid>/stat. */
const PAGE = 4096;

/** CPU time and resident memory of one process, as the kernel reports them. */
export interface ProcSample {
  /** utime + stime, in clock ticks (USER_HZ). */
  cpuTicks: number;
  rssBytes: number;
}

/**
 * Reads /proc/<pid>/stat through one descriptor kept open for the process's life: one `pread` per
 * sample instead of an open, a read and a close. The descriptor names that process, not its pid
 * number, so a reused pid can never be read by mistake; once the process is gone a read fails.
 */
export class ProcStat {
  readonly #path: string;
  #fd: number | undefined;
  readonly #buffer = Buffer.alloc(1024);

  constructor(pid: number | undefined) {
    this.#path = `/proc/${pid ?? 0}/stat`;
  }

  /** A sample, or zeros when it cannot be read (no /proc, the process is gone). */
  sample(): ProcSample {
    try {
      this.#fd ??= openSync(this.#path, 'r');
      const n = readSync(this.#fd, this.#buffer, 0, this.#buffer.length, 0);
      const stat = this.#buffer.toString('latin1', 0, n);
      // Fields after the command name, which is in parentheses and may hold spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return {
        cpuTicks: Number(fields[11]) + Number(fields[12]),
        rssBytes: Number(fields[21]) * PAGE,
      };
    } catch {
      return { cpuTicks: 0, rssBytes: 0 };
    }
  }

  close(): void {
    if (this.#fd === undefined) return;
    try {
      closeSync(this.#fd);
    } catch {}
    this.#fd = undefined;
  }
}
