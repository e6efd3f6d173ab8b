package main

import (
	"io"
	"runtime/debug"

	"github.com/siderolabs/talos/pkg/machinery/config"
)

// The contracts the pinned machinery knows, oldest first (config.TalosVersion1_3 ...).
var knownContracts = []*config.VersionContract{
	config.TalosVersion1_3, config.TalosVersion1_4, config.TalosVersion1_5, config.TalosVersion1_6,
	config.TalosVersion1_7, config.TalosVersion1_8, config.TalosVersion1_9, config.TalosVersion1_10,
	config.TalosVersion1_11, config.TalosVersion1_12, config.TalosVersion1_13, config.TalosVersion1_14,
}

func init() {
	register("version", "the pinned machinery version and the version contracts it knows", func(_ []string, _ io.Reader) (any, error) {
		machinery := "unknown"

		if info, ok := debug.ReadBuildInfo(); ok {
			for _, dep := range info.Deps {
				if dep.Path == "github.com/siderolabs/talos/pkg/machinery" {
					machinery = dep.Version
				}
			}
		}

		contracts := make([]string, 0, len(knownContracts))
		for _, c := range knownContracts {
			contracts = append(contracts, c.String())
		}

		return map[string]any{"machinery": machinery, "contracts": contracts}, nil
	})
}
