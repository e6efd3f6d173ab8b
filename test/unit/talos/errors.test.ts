// The sentences users read when a call fails. Details strings are the ones grpc-js and Talos
// actually produce (captured against real TLS servers).
import { describe, expect, it } from 'vitest';
import { describeError, TalosError } from '../../../src/talos/errors.js';
import { Code, RpcError } from '../../../src/talos/status-codes.js';

const grpcErr = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details });

describe('describeError', () => {
  it('turns PermissionDenied on an insecure connection into maintenance-mode advice', () => {
    const e = describeError(new RpcError(Code.PERMISSION_DENIED, 'not authorized'), { node: '127.0.81.3', method: 'MetaWrite', insecure: true });
    expect(e).toBeInstanceOf(TalosError);
    expect(e.code).toBe(Code.PERMISSION_DENIED);
    expect(e.message).toMatch(/^127\.0\.81\.3 is in maintenance mode: it does not allow MetaWrite without a client certificate; /);
    expect(e.message).toContain('INSTALLER_META_BASE64');
  });

  it('says which role is missing on an authenticated connection', () => {
    const e = describeError(grpcErr(Code.PERMISSION_DENIED, 'not authorized'), { node: 'n1', method: 'Reboot', roles: ['os:reader'], contextName: 'prod' });
    expect(e.message).toContain('n1 refused Reboot: the client certificate of context "prod" has role os:reader');
  });

  it('never advises a role the certificate already has', () => {
    const operator = describeError(grpcErr(Code.PERMISSION_DENIED, 'not authorized'), { node: 'n1', method: 'ApplyConfiguration', roles: ['os:operator'], contextName: 'prod' });
    expect(operator.message).toBe('n1 refused ApplyConfiguration: the client certificate of context "prod" has role os:operator, which does not allow it: it needs os:admin');
    const admin = describeError(grpcErr(Code.PERMISSION_DENIED, 'not authorized'), { node: 'n1', method: 'Reboot', roles: ['os:admin'], contextName: 'prod' });
    expect(admin.message).not.toMatch(/use a talosconfig with os:admin/);
  });

  it('recognises Talos 1.12 maintenance Unimplemented', () => {
    const e = describeError(grpcErr(Code.UNIMPLEMENTED, 'API is not implemented in maintenance mode'), { node: 'n1', method: 'Version', insecure: true });
    expect(e.message).toMatch(/^n1 is in maintenance mode \(Talos 1\.12 or older/);
  });

  it('blames the CA when the server certificate does not verify', () => {
    const details = 'No connection established. Last error: Error: self-signed certificate in certificate chain. Resolution note: ';
    const e = describeError(grpcErr(Code.UNAVAILABLE, details), { endpoint: '127.0.81.1:50000', contextName: 'prod', source: '/c' });
    expect(e.message).toBe(
      'the server certificate of 127.0.81.1:50000 is not signed by the talosconfig CA of context "prod" of /c (wrong cluster, or a node still in maintenance mode: try -i)',
    );
    expect(e.details).toBe(details);
  });

  it('blames the client certificate when the server refuses it, and says when it expired', () => {
    const alert =
      'No connection established. Last error: 805C4CA2667F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 116\n (2026-11-20T23:54:50.413Z). Resolution note: ';
    const e = describeError(grpcErr(Code.UNAVAILABLE, alert), { endpoint: '127.0.81.1:50000', contextName: 'prod' });
    expect(e.message).toBe('127.0.81.1:50000 refused the client certificate of context "prod" (expired? from another cluster?): tlsv13 alert certificate required');
    const closed = 'No connection established. Last error: Failed to connect (2026-11-20T23:54:50.418Z). Resolution note: ';
    const expired = describeError(grpcErr(Code.UNAVAILABLE, closed), {
      endpoint: '127.0.81.1:50000',
      contextName: 'prod',
      certNotAfter: new Date('2021-01-01T00:00:00Z'),
    });
    expect(expired.message).toMatch(/^127\.0\.81\.1:50000 refused the client certificate of context "prod": it expired on 2021-01-01/);
  });

  it('tells an insecure caller that the node is configured when it asks for a client certificate', () => {
    const alert = 'No connection established. Last error: 80:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:x.c:1:SSL alert number 116. Resolution note: ';
    expect(describeError(grpcErr(Code.UNAVAILABLE, alert), { endpoint: '127.0.81.1:50000', insecure: true }).message).toBe(
      '127.0.81.1:50000 asks for a client certificate: it is configured, not in maintenance mode; drop -i and use the talosconfig',
    );
  });

  it('says nothing listens when the connection is refused', () => {
    const e = describeError(grpcErr(Code.UNAVAILABLE, 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.81.2:1. Resolution note: '), {
      endpoint: '127.0.81.2:1',
    });
    expect(e.message).toBe('nothing listens on 127.0.81.2:1: connection refused');
  });

  it('names the node and the endpoint it went through when the endpoint cannot reach the node', () => {
    const e = describeError(grpcErr(Code.UNAVAILABLE, 'connection error: desc = "transport: dial tcp 127.0.81.3:50000: connect: connection refused"'), {
      node: '127.0.81.3',
      endpoint: '127.0.81.1:50000',
    });
    expect(e.message).toBe('nothing listens on 127.0.81.3 (via endpoint 127.0.81.1:50000): connection refused');
  });

  it('names the node and the log Talos has no log for, and where the real names are listed', () => {
    // machined's Logs handler: a plain Go error (gRPC Unknown), text from runtime/logging/circular.go.
    const e = describeError(grpcErr(Code.UNKNOWN, 'log "nosuch" was not registered'), { node: '10.0.0.11', endpoint: '10.0.0.15:50000', method: 'Logs' });
    expect(e.code).toBe(Code.UNKNOWN);
    expect(e.message).toBe(
      '10.0.0.11 (via endpoint 10.0.0.15:50000) has no log "nosuch": no Talos service of that name runs there (`talos-tui services -n 10.0.0.11` lists them; a Kubernetes container\'s log needs -k)',
    );
    expect(e.message).not.toContain('was not registered');
    expect(e.details).toBe('log "nosuch" was not registered'); // the raw text stays for --debug and retry decisions
    const insecure = describeError(new RpcError(Code.NOT_FOUND, 'log "kubelet2" was not registered'), { node: '127.0.81.3', method: 'Logs', insecure: true });
    expect(insecure.message).toMatch(/^127\.0\.81\.3 has no log "kubelet2": .*`talos-tui services -n 127\.0\.81\.3 -i`/);
    // Other Unknown failures of Logs, and the same text from another method, keep the generic sentence.
    expect(describeError(grpcErr(Code.UNKNOWN, 'failed to open log'), { node: 'n1', method: 'Logs' }).message).toContain('Logs failed');
    expect(describeError(grpcErr(Code.UNKNOWN, 'log "x" was not registered'), { node: 'n1', method: 'Dmesg' }).message).not.toContain('has no log');
  });

  it('gives the deadline in seconds', () => {
    const e = describeError(grpcErr(Code.DEADLINE_EXCEEDED, 'Deadline exceeded after 10.001s'), { node: 'n1', method: 'ServiceList', deadlineMs: 10_000 });
    expect(e.message).toBe('no answer from n1 to ServiceList within 10 s');
  });

  it('passes a fingerprint mismatch raised during the handshake through as our sentence', () => {
    const details = 'No connection established. Last error: Error: certificate fingerprint of 127.0.81.4 does not match any --cert-fingerprint: got abc=. Resolution note: ';
    expect(describeError(grpcErr(Code.UNAVAILABLE, details), { insecure: true }).message).toBe(
      'certificate fingerprint of 127.0.81.4 does not match any --cert-fingerprint: got abc=',
    );
  });

  it('keeps a TalosError as it is, and wraps unknown throwables', () => {
    const original = new TalosError({ code: Code.NOT_FOUND, message: 'x' });
    expect(describeError(original)).toBe(original);
    expect(describeError(new Error('boom'), { node: 'n1' }).message).toBe('the call to n1 failed: boom');
  });
});
