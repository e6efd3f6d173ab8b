// The public face of src/talos: everything above this layer imports from here (never grpc-js).
export { Code, codeName, RpcError, type CodeValue } from './status-codes.js';
export { TalosError, describeError, fingerprintMismatch, type ErrorContext } from './errors.js';
export {
  loadTalosconfig,
  parseTalosconfig,
  resolveTalosconfigPath,
  talosconfigCandidates,
  normalizeKeyPem,
  TalosconfigError,
  type ResolvedContext,
  type TalosconfigSelection,
} from './talosconfig.js';
export { clientIdentity, spkiFingerprint, type ClientIdentity } from './identity.js';
export { normalizeFingerprint } from '../core/fingerprint.js';
export { parseEndpoint, formatAddress, hostOf, TALOS_API_PORT, type Endpoint } from './address.js';
export { TalosClient, type ClientCallOptions, type TalosClientOptions, type Connectivity } from './client.js';
export { TalosSession, openSession, insecureClient, type SessionOptions, type InsecureOptions } from './session.js';
export type { SessionInfo } from './session-info.js';
export { okResults, failedResults, type NodeResult } from './node-result.js';
export { replyResults, singleEntry, requireEntry, type ReplyEntry, type ReplyMetadata } from './replies.js';
export { resilientStream, defaultShouldRetry, backoffDelay, type StreamEvent, type ResilientStreamOptions, type OpenContext } from './resilient-stream.js';
export { DEFAULT_DEADLINE_MS, type CallOptions, type NodeTarget, type RequestOf, type ResponseOf } from './target.js';
export * as machine from './api/machine.js';
export * as storage from './api/storage.js';
export * as cluster from './api/cluster.js';
export * as cosi from './api/cosi.js';
export { writeStreamToFile, saveEtcdSnapshot, SaveCancelledError, type SavedFile, type SaveOptions } from './snapshot-file.js';
