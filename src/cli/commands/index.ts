// The headless subcommands, loaded lazily so that `talos-tui --demo` and `--version` pay nothing for them.
import type { Command } from './types.js';

export const commandLoaders: Record<string, () => Promise<Command>> = {
  sim: () => import('./sim.js').then((m) => m.command),
  discover: () => import('./discover.js').then((m) => m.command),
  services: () => import('./services.js').then((m) => m.command),
  etcd: () => import('./etcd.js').then((m) => m.command),
  logs: () => import('./logs.js').then((m) => m.command),
  dmesg: () => import('./dmesg.js').then((m) => m.command),
  bootstrap: () => import('./bootstrap.js').then((m) => m.command),
  config: () => import('./config.js').then((m) => m.command),
  apply: () => import('./apply.js').then((m) => m.command),
  meta: () => import('./meta.js').then((m) => m.command),
  gen: () => import('./gen.js').then((m) => m.command),
  provision: () => import('./provision.js').then((m) => m.command),
};
