// cluster.ClusterService/HealthCheck: the node runs talosctl's health checks and streams progress.
import { create } from '@bufbuild/protobuf';
import { DurationSchema } from '@bufbuild/protobuf/wkt';
import { ClusterService } from '../proto/gen/cluster/cluster_pb.js';
import { describeError } from '../errors.js';
import { Code } from '../status-codes.js';
import type { CallOptions, NodeTarget } from '../target.js';

export interface HealthCheckRequest {
  /** How long the node keeps checking before it gives up (default 20 min, as talosctl). */
  waitTimeoutMs?: number;
  controlPlaneNodes?: string[];
  workerNodes?: string[];
  /** Kubernetes API endpoint to use instead of the one in the machine config. */
  forceEndpoint?: string;
}

/** Progress messages, one line each, until the checks pass (stream ends) or fail (throws). */
export async function* healthCheck(t: NodeTarget, req: HealthCheckRequest = {}, opts: CallOptions = {}): AsyncGenerator<string> {
  const waitMs = req.waitTimeoutMs ?? 20 * 60_000;
  const request = {
    waitTimeout: create(DurationSchema, { seconds: BigInt(Math.floor(waitMs / 1000)), nanos: (waitMs % 1000) * 1_000_000 }),
    clusterInfo: {
      controlPlaneNodes: req.controlPlaneNodes ?? [],
      workerNodes: req.workerNodes ?? [],
      forceEndpoint: req.forceEndpoint ?? '',
    },
  };
  for await (const msg of t.stream(ClusterService.method.healthCheck, request, opts)) {
    if (msg.metadata?.error) {
      throw describeError({ code: msg.metadata.status?.code || Code.UNKNOWN, details: msg.metadata.error }, { node: t.node, method: 'HealthCheck' });
    }
    if (msg.message) yield msg.message;
  }
}
