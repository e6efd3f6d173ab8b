// Etcd recovery (seed 002 §6), shared by `talos-tui bootstrap --recover-from` and provisioning: check
// the snapshot here first, upload it with EtcdRecover, Bootstrap with recover_etcd, then watch etcd
// come up, because Talos answers Bootstrap at once and restores in the etcd service's pre stage: a
// snapshot the node rejects shows only as that service Failed.
// The local check does what etcd's restore would do to the file before anything is sent: a snapshot
// from the Snapshot API ends with the SHA-256 of the database (size % 512 == 32, etcdutl's rule); a
// copy of the data directory's db has none and needs --recover-skip-hash-check.
import { createHash } from 'node:crypto';
import { hasHashTrailer, SNAPSHOT_SHA256_BYTES as SHA256_BYTES } from '../core/etcd/snapshot-trailer.js';
import { openUserBinaryFile, UserFileError } from '../io/user-file.js';
import { machine, type NodeTarget } from '../talos/index.js';

/** A node that takes nothing of the upload, or does not answer it, for this long fails it. */
const UPLOAD_IDLE_MS = 60_000;
/** How long etcd may take to restore and start after Bootstrap before the recovery is called failed. */
const ETCD_START_TIMEOUT_MS = 120_000;

/** The snapshot cannot be used: one sentence naming the file; nothing was sent (exit 2). */
export class RecoverySnapshotError extends Error {
  override name = 'RecoverySnapshotError';
  /** 'no-trailer': usable with the hash check skipped (the pane offers its own key for that). */
  constructor(
    message: string,
    readonly problem: 'file' | 'no-trailer' | 'hash-mismatch' = 'file',
  ) {
    super(message);
  }
}

const SKIP_FLAG = '--recover-skip-hash-check';

export interface RecoverySnapshot {
  file: string;
  size: number;
  skipHashCheck: boolean;
  /** Hex SHA-256 of the database when its trailer was checked here, else undefined. */
  verifiedSha256?: string;
  /** The snapshot's bytes, read again for the upload. */
  chunks(): AsyncGenerator<Uint8Array>;
}

/**
 * Check the snapshot the user named before anything is sent: a readable, non-empty regular file and,
 * unless skipHashCheck, a sha256 trailer that matches the database in front of it.
 */
export async function checkRecoverySnapshot(file: string, skipHashCheck: boolean): Promise<RecoverySnapshot> {
  let opened;
  try {
    opened = openUserBinaryFile(file, 'etcd snapshot');
  } catch (err) {
    if (err instanceof UserFileError) throw new RecoverySnapshotError(err.message);
    throw err;
  }
  const { size } = opened;
  const snapshot: RecoverySnapshot = { file, size, skipHashCheck, chunks: () => opened.chunks() };
  if (skipHashCheck) return snapshot;
  if (!hasHashTrailer(size)) {
    throw new RecoverySnapshotError(
      `etcd snapshot ${file} has no sha256 trailer (${size} bytes; a snapshot from etcd snapshot ends with one): if it is a copy of the etcd data directory, pass ${SKIP_FLAG}`,
      'no-trailer',
    );
  }
  const hash = createHash('sha256');
  const tail: Buffer[] = [];
  let read = 0;
  for await (const chunk of opened.chunks()) {
    // Hash everything before the last 32 bytes; keep those as the expected digest.
    const dbEnd = size - SHA256_BYTES;
    if (read < dbEnd) hash.update(chunk.subarray(0, Math.max(0, Math.min(chunk.length, dbEnd - read))));
    if (read + chunk.length > dbEnd) tail.push(Buffer.from(chunk.subarray(Math.max(0, dbEnd - read))));
    read += chunk.length;
  }
  if (read !== size) throw new RecoverySnapshotError(`etcd snapshot ${file} changed while it was read (${size} bytes, then ${read}): copy it somewhere it stays still`);
  const digest = hash.digest();
  if (!digest.equals(Buffer.concat(tail))) {
    throw new RecoverySnapshotError(`etcd snapshot ${file} fails its integrity check: the sha256 at its end does not match its content (the file is damaged or truncated)`, 'hash-mismatch');
  }
  return { ...snapshot, verifiedSha256: digest.toString('hex') };
}

/** The refusal worded for the Provision pane, where E (not the flag) skips the hash check. */
export function paneWording(err: RecoverySnapshotError): string {
  return err.problem === 'no-trailer' ? err.message.replace(`pass ${SKIP_FLAG}`, 'press E to skip the hash check') : err.message;
}

/** What the headless commands and the plan show about the recovery. */
export function describeRecovery(s: RecoverySnapshot): string {
  const check = s.verifiedSha256 ? `sha256 ${s.verifiedSha256.slice(0, 12)}… verified` : 'hash check skipped';
  return `${s.file}, ${s.size} bytes, ${check}`;
}

export interface RecoverOptions {
  signal?: AbortSignal;
  /** Progress for the caller to show: 'uploading', 'bootstrapping', 'restoring'. */
  onStep?(step: 'uploading' | 'bootstrapping' | 'restoring', detail: string): void;
  etcdStartTimeoutMs?: number;
}

/** Upload the checked snapshot to the node, bootstrap it with recover_etcd, and wait for etcd to run. */
export async function recoverEtcd(t: NodeTarget, s: RecoverySnapshot, opts: RecoverOptions = {}): Promise<void> {
  opts.onStep?.('uploading', `uploading ${s.size} bytes to ${t.node}`);
  try {
    await machine.etcdRecover(t, s.chunks(), { signal: opts.signal, idleTimeoutMs: UPLOAD_IDLE_MS });
  } catch (err) {
    throw new Error(`uploading the snapshot to ${t.node} failed: ${(err as Error).message}`);
  }
  opts.onStep?.('bootstrapping', `bootstrap with recover_etcd${s.skipHashCheck ? ' (hash check skipped)' : ''}`);
  await machine.bootstrap(t, { recoverEtcd: true, recoverSkipHashCheck: s.skipHashCheck, signal: opts.signal });
  opts.onStep?.('restoring', `etcd restores the snapshot on ${t.node}`);
  await waitForEtcd(t, opts.etcdStartTimeoutMs ?? ETCD_START_TIMEOUT_MS, opts.signal);
}

/** Poll the node's etcd service until it runs, fails (the restore's error), or the timeout passes. */
async function waitForEtcd(t: NodeTarget, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const etcd = (await machine.serviceList(t, { signal, deadlineMs: 5_000 })).find((svc) => svc.id === 'etcd');
      if (etcd?.state === 'Running') return;
      const lastEvent = etcd?.events?.events.at(-1)?.msg ?? '';
      if (etcd?.state === 'Failed') throw new EtcdRecoveryFailed(`etcd on ${t.node} did not recover: ${lastEvent || 'the service failed'}`);
      last = etcd ? `etcd is ${etcd.state}${lastEvent ? `: ${lastEvent}` : ''}` : 'no etcd service listed';
    } catch (err) {
      if (err instanceof EtcdRecoveryFailed || signal?.aborted) throw err;
      last = (err as Error).message;
    }
    if (Date.now() >= deadline) throw new Error(`etcd on ${t.node} did not start within ${Math.round(timeoutMs / 1000)} s after the recovery bootstrap (last: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

class EtcdRecoveryFailed extends Error {
  override name = 'EtcdRecoveryFailed';
}
