import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pidDir } from '../paths';
import { run } from '../proc';

/**
 * CPU and memory of the platform's processes, read from /proc: a process group is a root pid
 * and every descendant (Postgres backends, tsx's node child). CPU is utime + stime in clock
 * ticks; memory is the sum of VmRSS.
 */
const CLK_TCK = Number(run('getconf', ['CLK_TCK']).stdout.trim()) || 100;

interface ProcStat {
  ppid: number;
  ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return undefined;
  }
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Every live pid with its parent, from one pass over /proc. */
function processTable(): Map<number, ProcStat> {
  const table = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) table.set(Number(name), s);
  }
  return table;
}

function descendants(roots: number[], table: Map<number, ProcStat>, stopAt = new Set<number>()): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, s] of table) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const out: number[] = [];
  const stack = roots.filter((p) => table.has(p));
  while (stack.length) {
    const pid = stack.pop() as number;
    out.push(pid);
    // A child that is another group's root (a platform process under the bench) is counted there.
    stack.push(...(children.get(pid) ?? []).filter((c) => !stopAt.has(c)));
  }
  return out;
}

/**
 * The live process whose command line matches: the stack's servers are found this way rather
 * than by their pid files, which a failed second start under load can overwrite.
 */
export function pidByCommand(pattern: RegExp): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (pattern.test(readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' '))) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** The stack's recorded pid for NAME (.data/pids/NAME.pid), if any. */
export function stackPid(name: string, dir = pidDir): number | undefined {
  const file = path.join(dir, `${name}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * The postmaster of the cluster serving PORT: Debian's tools daemonise it, so it is not a
 * child of anything we recorded; its data directory's postmaster.pid names it.
 */
export function postgresPid(port: number): number | undefined {
  const table = processTable();
  for (const [pid] of table) {
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    if (!/\bpostgres\b/.test(cmd) || !cmd.includes(' -D ')) continue;
    const dataDir = /-D (\S+)/.exec(cmd)?.[1];
    const pidFile = dataDir ? path.join(dataDir, 'postmaster.pid') : undefined;
    if (pidFile && existsSync(pidFile)) {
      const lines = readFileSync(pidFile, 'utf8').split('\n');
      if (Number(lines[0]) === pid && Number(lines[3]) === port) return pid;
    }
  }
  return undefined;
}

export interface GroupFigures {
  /** Average CPU over the phase, in percent of one core. */
  cpuAvgPct: number;
  cpuPeakPct: number;
  /** CPU seconds used during the phase. */
  cpuSeconds: number;
  rssPeakMb: number;
  rssEndMb: number;
}

/** Samples named process groups every `intervalMs` until stopped. */
export class Sampler {
  private readonly last = new Map<string, number>();
  private readonly totals = new Map<string, { ticks: number; peakPct: number; peakKb: number; endKb: number }>();
  private timer?: NodeJS.Timeout;
  private started = 0;
  private lastAt = 0;

  constructor(
    private readonly groups: () => Record<string, number[]>,
    private readonly intervalMs = 1000,
  ) {}

  start() {
    this.started = this.lastAt = performance.now();
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), this.intervalMs);
    this.timer.unref();
    return this;
  }

  private sample(first: boolean) {
    const now = performance.now();
    const seconds = (now - this.lastAt) / 1000;
    this.lastAt = now;
    const table = processTable();
    const groups = Object.entries(this.groups());
    const allRoots = new Set(groups.flatMap(([, roots]) => roots));
    for (const [group, roots] of groups) {
      const t = this.totals.get(group) ?? { ticks: 0, peakPct: 0, peakKb: 0, endKb: 0 };
      let delta = 0;
      let kb = 0;
      for (const pid of descendants(roots, table, allRoots)) {
        const ticks = (table.get(pid) as ProcStat).ticks;
        // A process first seen after the start was born during the phase: all its ticks count.
        const key = `${group}:${pid}`;
        const before = this.last.get(key) ?? (first ? ticks : 0);
        delta += Math.max(0, ticks - before);
        this.last.set(key, ticks);
        kb += rssKb(pid);
      }
      if (!first) {
        t.ticks += delta;
        if (seconds > 0) t.peakPct = Math.max(t.peakPct, (delta / CLK_TCK / seconds) * 100);
      }
      t.peakKb = Math.max(t.peakKb, kb);
      t.endKb = kb;
      this.totals.set(group, t);
    }
  }

  stop(): Record<string, GroupFigures> {
    if (this.timer) clearInterval(this.timer);
    this.sample(false);
    const seconds = (performance.now() - this.started) / 1000;
    const r1 = (x: number) => Math.round(x * 10) / 10;
    return Object.fromEntries(
      [...this.totals].map(([group, t]) => [
        group,
        {
          cpuAvgPct: r1((t.ticks / CLK_TCK / Math.max(seconds, 0.001)) * 100),
          cpuPeakPct: r1(t.peakPct),
          cpuSeconds: r1(t.ticks / CLK_TCK),
          rssPeakMb: r1(t.peakKb / 1024),
          rssEndMb: r1(t.endKb / 1024),
        },
      ]),
    );
  }
}
