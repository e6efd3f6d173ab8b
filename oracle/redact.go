package main

// `redact`: what Talos's own RedactSecrets (config/container) makes of a machine config (stdin, YAML,
// one or more documents), loaded with configloader as a node loads it. Answers the redacted config
// re-encoded by machinery, or {"error": ...} when Talos refuses the input.

import (
	"io"

	"github.com/siderolabs/talos/pkg/machinery/config/configloader"
	"github.com/siderolabs/talos/pkg/machinery/config/encoder"
)

func init() {
	register("redact", "a config (stdin) with its secrets replaced by RedactSecrets(arg, default ******)", func(args []string, stdin io.Reader) (any, error) {
		replacement := "******"
		if len(args) > 0 {
			replacement = args[0]
		}

		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, err
		}

		cfg, err := configloader.NewFromBytes(b)
		if err != nil {
			return map[string]any{"error": err.Error()}, nil
		}

		out, err := cfg.RedactSecrets(replacement).EncodeBytes(encoder.WithComments(encoder.CommentsDisabled))
		if err != nil {
			return map[string]any{"error": err.Error()}, nil
		}

		return map[string]any{"yaml": string(out)}, nil
	})
}
