// Row model for the services table (ServiceList answers from several nodes), as pure data:
// one row per node + service, and one "node failed: <reason>" row for a node that did not
// answer, so a dead node stays visible instead of silently vanishing from the table.

export interface TimestampLike {
  seconds: bigint | number;
  nanos?: number;
}

export interface ServiceEventLike {
  msg: string;
  state: string;
  ts?: TimestampLike;
}

export interface ServiceHealthLike {
  unknown: boolean;
  healthy: boolean;
  lastMessage: string;
  lastChange?: TimestampLike;
}

export interface ServiceInfoLike {
  id: string;
  state: string;
  events?: { events: readonly ServiceEventLike[] };
  health?: ServiceHealthLike;
}

export interface NodeServicesResult {
  node: string;
  services?: readonly ServiceInfoLike[];
  error?: string;
}

/** '?' = the node sent no health block at all; 'unknown' = the service has no health check
 *  or it has not run yet (talosctl prints both as "?"). */
export type HealthText = 'healthy' | 'unhealthy' | 'unknown' | '?';

/** Colour class of a Talos service state. */
export type StateTone = 'ok' | 'pending' | 'bad' | 'neutral';

export interface ServiceEventRow {
  state: string;
  msg: string;
  ago: string;
}

export interface ServiceRow {
  key: string;
  node: string;
  id: string;
  state: string;
  stateTone: StateTone;
  health: HealthText;
  healthMessage: string;
  /** When health last changed, relative to `now` ("3m ago"), '' when unknown. */
  healthChanged: string;
  /** The newest event's message, like talosctl's LAST EVENT. */
  lastEvent: string;
  lastEventAgo: string;
  /** Newest first, at most `maxEvents`. */
  events: ServiceEventRow[];
  /** Set on the placeholder row of a node that failed to answer. */
  failed?: string;
}

export interface ServiceRowOptions {
  /** 'node': nodes in the given order, services by id. 'problems-first': failures on top. */
  sort?: 'node' | 'problems-first';
  maxEvents?: number;
}

/** Milliseconds since the epoch; undefined for a missing or zero time (an unset Timestamp is
 *  seconds 0, Go's zero time.Time is year 1: both mean "never"). */
export function timestampMs(ts: TimestampLike | undefined): number | undefined {
  if (!ts) return undefined;
  const ms = Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
  return ms > 0 ? ms : undefined;
}

/** "42s ago", "5m ago", "3h ago", "2d ago"; "in 5s" when the node's clock is ahead. */
export function relativeTime(thenMs: number | undefined, nowMs: number): string {
  if (thenMs === undefined || !Number.isFinite(thenMs)) return '';
  const diff = Math.round((nowMs - thenMs) / 1000);
  const abs = Math.abs(diff);
  let text: string;
  if (abs < 60) text = `${abs}s`;
  else if (abs < 3600) text = `${Math.floor(abs / 60)}m`;
  else if (abs < 86400) text = `${Math.floor(abs / 3600)}h`;
  else text = `${Math.floor(abs / 86400)}d`;
  return diff < 0 ? `in ${text}` : `${text} ago`;
}

export function healthOf(svc: ServiceInfoLike): HealthText {
  if (!svc.health) return '?';
  if (svc.health.unknown) return 'unknown';
  return svc.health.healthy ? 'healthy' : 'unhealthy';
}

/** Talos service states: Initialized, Preparing, Waiting, Starting, Running, Stopping,
 *  Finished, Failed, Skipped. */
export function stateTone(state: string): StateTone {
  switch (state) {
    case 'Running':
      return 'ok';
    case 'Failed':
      return 'bad';
    case 'Finished':
    case 'Skipped':
      return 'neutral';
    default:
      return 'pending';
  }
}

export function buildServiceRows(results: readonly NodeServicesResult[], nowMs: number, options: ServiceRowOptions = {}): ServiceRow[] {
  const maxEvents = options.maxEvents ?? 5;
  const rows: ServiceRow[] = [];
  const nodeOrder = new Map<string, number>();
  for (const r of results) {
    if (!nodeOrder.has(r.node)) nodeOrder.set(r.node, nodeOrder.size);
    if (r.error !== undefined || !r.services) {
      rows.push(failedRow(r.node, r.error ?? 'no answer'));
      continue;
    }
    for (const svc of r.services) rows.push(serviceRow(r.node, svc, nowMs, maxEvents));
  }

  const byNode = (a: ServiceRow, b: ServiceRow) => nodeOrder.get(a.node)! - nodeOrder.get(b.node)! || a.id.localeCompare(b.id);
  if (options.sort === 'problems-first') rows.sort((a, b) => problemRank(a) - problemRank(b) || byNode(a, b));
  else rows.sort(byNode);
  return rows;
}

/** Lower = more urgent. */
function problemRank(r: ServiceRow): number {
  if (r.failed !== undefined) return 0;
  if (r.stateTone === 'bad' || r.health === 'unhealthy') return 1;
  if (r.stateTone === 'pending') return 2;
  return 3;
}

function serviceRow(node: string, svc: ServiceInfoLike, nowMs: number, maxEvents: number): ServiceRow {
  const events = svc.events?.events ?? [];
  const last = events.length > 0 ? events[events.length - 1] : undefined;
  return {
    key: `${node}/${svc.id}`,
    node,
    id: svc.id,
    state: svc.state,
    stateTone: stateTone(svc.state),
    health: healthOf(svc),
    healthMessage: svc.health?.lastMessage ?? '',
    healthChanged: relativeTime(timestampMs(svc.health?.lastChange), nowMs),
    lastEvent: last?.msg ?? '',
    lastEventAgo: relativeTime(timestampMs(last?.ts), nowMs),
    events: events
      .slice(-maxEvents)
      .reverse()
      .map((e) => ({ state: e.state, msg: e.msg, ago: relativeTime(timestampMs(e.ts), nowMs) })),
  };
}

function failedRow(node: string, reason: string): ServiceRow {
  return {
    key: `${node}/!failed`,
    node,
    id: '',
    state: '',
    stateTone: 'bad',
    health: '?',
    healthMessage: '',
    healthChanged: '',
    lastEvent: `node failed: ${reason}`,
    lastEventAgo: '',
    events: [],
    failed: reason,
  };
}
