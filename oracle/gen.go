package main

// `gen`: Talos's generator (generate.NewInput + Input.Config) fed a secrets bundle and options as JSON
// on stdin; answers the controlplane and worker configs encoded with comments disabled (and, for the
// "comments on" check, with talosctl's default docs+examples), and the talosconfig Talos makes, with its
// client certificate described and verified against the bundle's OS CA.

import (
	stdx509 "crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/siderolabs/talos/pkg/machinery/config/encoder"
	"github.com/siderolabs/talos/pkg/machinery/config/generate"
	"github.com/siderolabs/talos/pkg/machinery/config/machine"
	"github.com/siderolabs/talos/pkg/machinery/role"
)

type genRequest struct {
	Secrets           string `json:"secrets"`
	ClusterName       string `json:"clusterName"`
	Endpoint          string `json:"endpoint"`
	KubernetesVersion string `json:"kubernetesVersion"`
	Contract          string `json:"contract"`
	Options           struct {
		InstallDisk                    *string           `json:"installDisk"`
		InstallImage                   *string           `json:"installImage"`
		AdditionalSANs                 []string          `json:"additionalSANs"`
		DNSDomain                      *string           `json:"dnsDomain"`
		AllowSchedulingOnControlPlanes bool              `json:"allowSchedulingOnControlPlanes"`
		InstallExtraKernelArgs         []string          `json:"installExtraKernelArgs"`
		LocalAPIServerPort             int               `json:"localAPIServerPort"`
		Sysctls                        map[string]string `json:"sysctls"`
		CNIURL                         string            `json:"cniURL"`
		RegistryMirrors                [][2]string       `json:"registryMirrors"`
		Discovery                      *bool             `json:"discovery"`
		KubeSpan                       bool              `json:"kubespan"`
		Roles                          []string          `json:"roles"`
		Endpoints                      []string          `json:"endpoints"`
	} `json:"options"`
}

func init() {
	register("gen", "generate controlplane/worker configs and a talosconfig from {secrets, clusterName, endpoint, ...} (JSON)", func(_ []string, stdin io.Reader) (any, error) {
		var req genRequest
		if err := json.NewDecoder(stdin).Decode(&req); err != nil {
			return nil, err
		}

		fail := func(err error) (any, error) { return map[string]any{"error": err.Error()}, nil }

		contract, err := parseContract(req.Contract)
		if err != nil {
			return fail(err)
		}

		bundle, err := loadBundle([]byte(req.Secrets))
		if err != nil {
			return fail(err)
		}

		o := req.Options
		opts := []generate.Option{generate.WithSecretsBundle(bundle), generate.WithVersionContract(contract)}

		for _, m := range o.RegistryMirrors {
			opts = append(opts, generate.WithRegistryMirror(m[0], m[1]))
		}

		if o.KubeSpan {
			opts = append(opts, generate.WithKubeSpanEnabled(true))
		}

		if o.InstallDisk != nil {
			opts = append(opts, generate.WithInstallDisk(*o.InstallDisk))
		}

		if o.InstallImage != nil {
			opts = append(opts, generate.WithInstallImage(*o.InstallImage))
		}

		if len(o.AdditionalSANs) > 0 {
			opts = append(opts, generate.WithAdditionalSubjectAltNames(o.AdditionalSANs))
		}

		if o.DNSDomain != nil {
			opts = append(opts, generate.WithDNSDomain(*o.DNSDomain))
		}

		if o.Discovery != nil {
			opts = append(opts, generate.WithClusterDiscovery(*o.Discovery))
		}

		if o.AllowSchedulingOnControlPlanes {
			opts = append(opts, generate.WithAllowSchedulingOnControlPlanes(true))
		}

		if len(o.InstallExtraKernelArgs) > 0 {
			opts = append(opts, generate.WithInstallExtraKernelArgs(o.InstallExtraKernelArgs))
		}

		if o.LocalAPIServerPort != 0 {
			opts = append(opts, generate.WithLocalAPIServerPort(o.LocalAPIServerPort))
		}

		if len(o.Sysctls) > 0 {
			opts = append(opts, generate.WithSysctls(o.Sysctls))
		}

		if o.CNIURL != "" {
			opts = append(opts, generate.WithCustomCNIUrl(o.CNIURL))
		}

		if len(o.Roles) > 0 {
			roles, unknown := role.Parse(o.Roles)
			if len(unknown) > 0 {
				return fail(fmt.Errorf("unknown roles %v", unknown))
			}

			opts = append(opts, generate.WithRoles(roles))
		}

		if len(o.Endpoints) > 0 {
			opts = append(opts, generate.WithEndpointList(o.Endpoints))
		}

		in, err := generate.NewInput(req.ClusterName, req.Endpoint, req.KubernetesVersion, opts...)
		if err != nil {
			return fail(err)
		}

		out := map[string]any{}

		for _, t := range []machine.Type{machine.TypeControlPlane, machine.TypeWorker} {
			cfg, err := in.Config(t)
			if err != nil {
				return fail(err)
			}

			plain, err := cfg.EncodeBytes(encoder.WithComments(encoder.CommentsDisabled))
			if err != nil {
				return fail(err)
			}

			documented, err := cfg.EncodeBytes(encoder.WithComments(encoder.CommentsDocs | encoder.CommentsExamples))
			if err != nil {
				return fail(err)
			}

			name := strings.ToLower(t.String())
			out[name] = string(plain)
			out[name+"Documented"] = string(documented)
		}

		tc, err := in.Talosconfig()
		if err != nil {
			return fail(err)
		}

		tcBytes, err := yaml.Marshal(tc)
		if err != nil {
			return nil, err
		}

		out["talosconfig"] = string(tcBytes)

		if ctx, ok := tc.Contexts[tc.Context]; ok {
			crtPEM, _ := base64.StdEncoding.DecodeString(ctx.Crt)
			block, _ := pem.Decode(crtPEM)
			crt, err := stdx509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, err
			}

			out["clientCert"] = describeCert(crt)
		}

		return out, nil
	})

	register("verify-client", "check a talosconfig (stdin) against a CA: {talosconfig, ca} -> chain, usage, roles, key type", func(_ []string, stdin io.Reader) (any, error) {
		var req struct {
			Talosconfig string `json:"talosconfig"`
			CA          string `json:"ca"` // PEM
		}
		if err := json.NewDecoder(stdin).Decode(&req); err != nil {
			return nil, err
		}

		return verifyClient(req.Talosconfig, req.CA)
	})
}
