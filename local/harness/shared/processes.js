'use strict';
/** The processes a local stack started, and their CPU and memory, from the kernel's accounting (Linux /proc). */
const fs = require('node:fs');
const figures = require('../soak/figures');

/** Clock ticks per second of `/proc/<pid>/stat`'s utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Every process now: `{ pid, comm, ppid, pgrp, cpuTicks }`. */
const readProcesses = () => {
  const list = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = figures.parseStat(fs.readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (stat) list.push(stat);
    } catch {
      /* gone between the listing and the read */
    }
  }
  return list;
};

/** Resident memory of one process in MiB, or null (gone, a kernel thread, a zombie). */
const rssMiB = (pid) => {
  try {
    const kib = figures.parseVmRssKiB(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kib === null ? null : kib / 1024;
  } catch {
    return null;
  }
};

/**
 * Every process of a stack (`startStack`'s result): serverless offline and everything below it,
 * and DynamoDB Local with its process group. Each gets `part` ('dynamodb' or 'offline') and a
 * label that stays the same across calls given the same `labels` map.
 */
const stackProcesses = (stack, labels = new Map()) => {
  const all = readProcesses();
  const dynamodb = new Set(figures.descendantsOf(all, stack.dynamodb.pid));
  // DynamoDB Local runs in a process group of its own: anything in it belongs to it.
  for (const p of all) if (p.pgrp === stack.dynamodb.pid) dynamodb.add(p.pid);
  const offline = new Set(figures.descendantsOf(all, stack.pid));
  const found = [];
  for (const p of all) {
    if (!dynamodb.has(p.pid) && !offline.has(p.pid)) continue;
    if (!labels.has(p.pid)) {
      const base = p.pid === stack.dynamodb.pid ? 'java' : p.pid === stack.pid ? 'offline' : p.comm.replace(/\s+/g, '_');
      labels.set(p.pid, new Set(labels.values()).has(base) ? `${base}-${p.pid}` : base);
    }
    found.push({ pid: p.pid, label: labels.get(p.pid), part: dynamodb.has(p.pid) ? 'dynamodb' : 'offline', cpuTicks: p.cpuTicks });
  }
  return found;
};

/**
 * CPU (% of one core) of each part of the stack, and its resident memory, while `run` runs.
 * Processes that started or ended during the run count for the ticks they were seen with.
 */
const stackUsageWhile = async (stack, run) => {
  const ticks = (list) => {
    const byPart = { dynamodb: 0, offline: 0 };
    for (const p of list) byPart[p.part] += p.cpuTicks;
    return byPart;
  };
  const before = ticks(stackProcesses(stack));
  const t0 = process.hrtime.bigint();
  const result = await run();
  const after = stackProcesses(stack);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const end = ticks(after);
  const percent = (part) => Math.round(((end[part] - before[part]) / TICKS_PER_SECOND / seconds) * 1000) / 10;
  const rss = after.reduce((sum, p) => sum + (rssMiB(p.pid) ?? 0), 0);
  return { result, seconds, cpuPercent: { dynamodb: percent('dynamodb'), offline: percent('offline') }, rssMiB: Math.round(rss) };
};


/**
 * Ctrl-C or a SIGTERM ends the process through `process.exit`, so every `exit` handler the stacks
 * registered (kill offline's process group, stop DynamoDB Local) runs: Node's default for these
 * signals exits without them and leaves the JVM and serverless offline behind.
 */
const exitOnSignals = (code = 130) => {
  const stop = () => process.exit(code);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

module.exports = { TICKS_PER_SECOND, readProcesses, rssMiB, stackProcesses, stackUsageWhile, exitOnSignals };
