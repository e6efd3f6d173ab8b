// Every vector in test/fixtures/wire-vectors was encoded by the upstream Talos/COSI definitions.
// Decoding with our generated code must give `decoded`, and re-encoding must give the same bytes:
// a mismatch means a name, number or type in proto/ differs from Talos.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromBinary, toBinary, toJson, fromJson, type DescMessage, type JsonValue } from '@bufbuild/protobuf';
import { create, createRegistry } from '@bufbuild/protobuf';
import { DurationSchema, TimestampSchema } from '@bufbuild/protobuf/wkt';
import { file_machine_machine } from '../../src/talos/proto/gen/machine/machine_pb.js';
import { file_common_common } from '../../src/talos/proto/gen/common/common_pb.js';
import { file_storage_storage } from '../../src/talos/proto/gen/storage/storage_pb.js';
import { file_cluster_cluster } from '../../src/talos/proto/gen/cluster/cluster_pb.js';
import { file_cosi_state } from '../../src/talos/proto/gen/cosi/state_pb.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const vectorsPath = path.resolve(here, '../fixtures/wire-vectors/vectors.json');
const { vectors } = JSON.parse(readFileSync(vectorsPath, 'utf8')) as {
  vectors: { name: string; type: string; hex: string; decoded: JsonValue }[];
};
const registry = createRegistry(file_machine_machine, file_common_common, file_storage_storage, file_cluster_cluster, file_cosi_state);

// The vectors write Timestamp/Duration as {seconds, nanos} objects rather than proto3 JSON strings.
// Walk the schema and turn those objects into proto3 JSON so both sides compare as one form.
function toProtoJson(desc: DescMessage, json: JsonValue): JsonValue {
  if (desc.typeName === 'google.protobuf.Timestamp' || desc.typeName === 'google.protobuf.Duration') {
    const obj = json as { seconds?: string; nanos?: number };
    const wkt = desc.typeName === 'google.protobuf.Timestamp' ? TimestampSchema : DurationSchema;
    return toJson(wkt, create(wkt, { seconds: BigInt(obj.seconds ?? '0'), nanos: obj.nanos ?? 0 }));
  }
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(json as Record<string, JsonValue>)) {
    const field = desc.fields.find((f) => f.name === key);
    if (!field) throw new Error(`${desc.typeName} has no field ${key}`);
    if (field.fieldKind === 'message') {
      out[key] = Array.isArray(value) ? value.map((v) => toProtoJson(field.message, v)) : toProtoJson(field.message, value);
    } else if (field.fieldKind === 'list' && field.listKind === 'message') {
      out[key] = (value as JsonValue[]).map((v) => toProtoJson(field.message, v));
    } else {
      out[key] = value;
    }
  }
  return out;
}

describe('wire vectors from the upstream Talos definitions', () => {
  it('there are vectors to check', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(20);
  });
  for (const v of vectors) {
    it(`${v.name} decodes to its decoded form and re-encodes to the same bytes`, () => {
      const schema = registry.getMessage(v.type);
      expect(schema, `message type ${v.type} is missing from proto/`).toBeDefined();
      const bytes = Buffer.from(v.hex, 'hex');
      const msg = fromBinary(schema!, bytes);
      const json = toJson(schema!, msg, { useProtoFieldName: true, registry });
      const expected = toProtoJson(schema!, v.decoded);
      expect(json).toEqual(expected);
      const again = toBinary(schema!, fromJson(schema!, expected, { registry }));
      expect(Buffer.from(again).toString('hex')).toBe(v.hex);
    });
  }
});
