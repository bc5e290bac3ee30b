/**
 * A long-running Lua host script (e.g. luasocket_host.lua) as a child process
 * the test talks to: commands go to its stdin one line at a time, every line
 * it prints is kept, and the test waits for lines with a bounded timeout.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';

/** True if `binary` can `require("socket")` (LuaSocket installed for that Lua version). */
export function hasLuaSocket(binary: string): boolean {
  const run = spawnSync(binary, ['-e', 'require("socket")'], { encoding: 'utf8' });
  return run.error === undefined && run.status === 0;
}

export class LuaProcess {
  /** Every stdout line so far, in order. */
  readonly lines: string[];
  private child: ChildProcess;
  private stderr: string;
  private partial: string;
  private waiters: Array<() => void>;
  private exitCode: number | null | undefined;

  /** Starts `binary script ...args`; stdout is read as latin1 (Lua strings are bytes). */
  constructor(binary: string, script: string, args: string[]) {
    this.lines = [];
    this.stderr = '';
    this.partial = '';
    this.waiters = [];
    this.exitCode = undefined;
    this.child = spawn(binary, [script].concat(args), { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => this.onStdout(d.toString('latin1')));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString('latin1')));
    this.child.on('exit', (code) => {
      this.exitCode = code;
      this.wake();
    });
  }

  private onStdout(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() || '';
    for (const p of parts) this.lines.push(p);
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.slice()) w();
  }

  /** Lines starting with `prefix`. */
  linesStarting(prefix: string): string[] {
    return this.lines.filter((l) => l.startsWith(prefix));
  }

  /** Writes one command line to the script's stdin. */
  send(command: string): void {
    this.child.stdin!.write(command + '\n');
  }

  /**
   * Resolves when `predicate(lines)` holds; rejects after `timeoutMs`, or if
   * the process exits first, with what it printed (the tail) and its stderr.
   */
  waitFor(what: string, predicate: (lines: string[]) => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): void => {
        const ok = predicate(this.lines);
        if (!ok && this.exitCode === undefined) return;
        this.waiters.splice(this.waiters.indexOf(check), 1);
        clearTimeout(timer);
        if (ok) resolve();
        else reject(new Error('Lua host exited (' + this.exitCode + ') before: ' + what + '\n' + this.describe()));
      };
      timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(check), 1);
        reject(new Error('timed out after ' + timeoutMs + ' ms waiting for: ' + what + '\n' + this.describe()));
      }, timeoutMs);
      this.waiters.push(check);
      check();
    });
  }

  /** Resolves with the exit code once the process has exited (at most `timeoutMs`). */
  async exited(timeoutMs: number): Promise<number | null> {
    await this.waitFor('exit', () => this.exitCode !== undefined, timeoutMs);
    return this.exitCode as number | null;
  }

  /** Kills the process if it still runs (cleanup after a failed test). */
  kill(): void {
    if (this.exitCode === undefined) this.child.kill('SIGKILL');
  }

  /** The last 40 stdout lines and the stderr, for failure messages. */
  describe(): string {
    return 'stdout (tail):\n  ' + this.lines.slice(-40).join('\n  ') + '\nstderr:\n' + this.stderr;
  }
}
