package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/siderolabs/talos/pkg/machinery/config/configloader"
	"github.com/siderolabs/talos/pkg/machinery/config/configpatcher"
	"github.com/siderolabs/talos/pkg/machinery/config/encoder"
)

// patchCase is one `talosctl machineconfig patch`: a config and its --patch values, in order. Product,
// when set, is what talos-tui produced for the same case; it is read back with Talos's own loader.
type patchCase struct {
	Config  string   `json:"config"`
	Patches []string `json:"patches"`
	Product *string  `json:"product,omitempty"`
}

// patchResult: Bytes is what talosctl would print (Apply(WithBytes(config)).Bytes()); Canonical is those
// bytes loaded by configloader and encoded again (what a node holds after reading them). The same pair
// for the product's output. Each half is either a value or an error.
type patchResult struct {
	Bytes            *string `json:"bytes,omitempty"`
	Error            string  `json:"error,omitempty"`
	Canonical        *string `json:"canonical,omitempty"`
	CanonicalError   string  `json:"canonicalError,omitempty"`
	ProductCanonical *string `json:"productCanonical,omitempty"`
	ProductError     string  `json:"productError,omitempty"`
}

func init() {
	register("patch", "configpatcher.LoadPatches + Apply for a JSON list of {config, patches[], product?}", runPatch)
}

func runPatch(_ []string, stdin io.Reader) (any, error) {
	var cases []patchCase
	if err := json.NewDecoder(stdin).Decode(&cases); err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}

	dir, err := os.MkdirTemp("", "talos-oracle-patch-")
	if err != nil {
		return nil, err
	}

	defer os.RemoveAll(dir) //nolint:errcheck

	results := make([]patchResult, len(cases))

	for i, c := range cases {
		results[i], err = patchOne(dir, i, c)
		if err != nil {
			return nil, err
		}
	}

	return results, nil
}

func patchOne(dir string, n int, c patchCase) (patchResult, error) {
	var r patchResult

	if c.Product != nil {
		r.ProductCanonical, r.ProductError = canonical([]byte(*c.Product))
	}

	// LoadPatches reads "@file" arguments: each patch goes through a file so that its text is never
	// mistaken for a file name (LoadPatches' rule for bare words) and adjacent JSON patches are joined
	// exactly as talosctl joins them.
	args := make([]string, len(c.Patches))

	for i, p := range c.Patches {
		path := filepath.Join(dir, strconv.Itoa(n)+"-"+strconv.Itoa(i))
		if err := os.WriteFile(path, []byte(p), 0o600); err != nil {
			return r, err
		}

		args[i] = "@" + path
	}

	patches, err := configpatcher.LoadPatches(args)
	if err != nil {
		r.Error = err.Error()

		return r, nil
	}

	out, err := configpatcher.Apply(configpatcher.WithBytes([]byte(c.Config)), patches)
	if err == nil {
		var b []byte

		if b, err = out.Bytes(); err == nil {
			s := string(b)
			r.Bytes = &s
			r.Canonical, r.CanonicalError = canonical(b)
		}
	}

	if err != nil {
		r.Error = err.Error()
	}

	return r, nil
}

// canonical loads a config the way a node does and encodes it again without comments.
func canonical(b []byte) (*string, string) {
	cfg, err := configloader.NewFromBytes(b)
	if err != nil {
		return nil, err.Error()
	}

	out, err := cfg.EncodeBytes(encoder.WithComments(encoder.CommentsDisabled))
	if err != nil {
		return nil, err.Error()
	}

	s := string(out)

	return &s, ""
}
