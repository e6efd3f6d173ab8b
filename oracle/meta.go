package main

import (
	"encoding/json"
	"fmt"
	"io"

	"go.yaml.in/yaml/v4"

	"github.com/siderolabs/talos/pkg/machinery/meta"
	"github.com/siderolabs/talos/pkg/machinery/resources/network"
)

// metaResult: Talos's reading of one META 0x0a document, the way the metal platform reads it
// (internal/app/machined/pkg/runtime/v1alpha1/platform/metal/metal.go: go.yaml.in/yaml/v4 Unmarshal,
// not strict, into runtime.PlatformNetworkConfig = network.PlatformConfigSpec). Value is the decoded
// spec marshaled back to YAML (the same normalisation Talos uses to compare platform configs).
type metaResult struct {
	Value *string `json:"value,omitempty"`
	Error string  `json:"error,omitempty"`
}

type metaValue struct {
	Key   uint8  `json:"key"`
	Value string `json:"value"`
}

func init() {
	register("meta", "META: `decode` a JSON list of 0x0a documents as the metal platform does; `installer-decode` / `installer-encode` INSTALLER_META_BASE64", runMeta)
}

func runMeta(args []string, stdin io.Reader) (any, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("usage: meta decode|installer-decode|installer-encode")
	}

	switch args[0] {
	case "decode":
		var docs []string
		if err := json.NewDecoder(stdin).Decode(&docs); err != nil {
			return nil, fmt.Errorf("input: %w", err)
		}

		out := make([]metaResult, len(docs))
		for i, d := range docs {
			out[i] = decodePlatformConfig(d)
		}

		return out, nil
	case "installer-decode":
		// A JSON list of INSTALLER_META_BASE64 values; each decodes to its values or an error.
		var encoded []string
		if err := json.NewDecoder(stdin).Decode(&encoded); err != nil {
			return nil, fmt.Errorf("input: %w", err)
		}

		out := make([]map[string]any, len(encoded))

		for i, e := range encoded {
			values, err := meta.DecodeValues(e)
			if err != nil {
				out[i] = map[string]any{"error": err.Error()}

				continue
			}

			list := make([]metaValue, len(values))
			for j, v := range values {
				list[j] = metaValue{Key: v.Key, Value: v.Value}
			}

			out[i] = map[string]any{"values": list}
		}

		return out, nil
	case "installer-encode":
		var values []metaValue
		if err := json.NewDecoder(stdin).Decode(&values); err != nil {
			return nil, fmt.Errorf("input: %w", err)
		}

		mv := make(meta.Values, len(values))
		for i, v := range values {
			mv[i] = meta.Value{Key: v.Key, Value: v.Value}
		}

		return map[string]string{"gzip": mv.Encode(true), "plain": mv.Encode(false)}, nil
	default:
		return nil, fmt.Errorf("meta: unknown action %q", args[0])
	}
}

func decodePlatformConfig(doc string) metaResult {
	var spec network.PlatformConfigSpec

	if err := yaml.Unmarshal([]byte(doc), &spec); err != nil {
		return metaResult{Error: err.Error()}
	}

	out, err := yaml.Marshal(&spec)
	if err != nil {
		return metaResult{Error: "marshal: " + err.Error()}
	}

	s := string(out)

	return metaResult{Value: &s}
}
