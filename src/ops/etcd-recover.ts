// Etcd recovery (seed 002 §6): upload a snapshot with EtcdRecover, then Bootstrap with recover_etcd.
// EtcdRecover is a client-streaming call that this build's Talos API subset (src/talos/proto) does
// not carry yet, so a recovery is refused up front with a sentence instead of failing half-way.
export class RecoveryUnavailable extends Error {
  override name = 'RecoveryUnavailable';
}

export function etcdSnapshotUpload(_file: string, _skipHashCheck: boolean): never {
  throw new RecoveryUnavailable('--recover-from needs the EtcdRecover upload, which this build does not have yet: recover with talosctl bootstrap --recover-from');
}
