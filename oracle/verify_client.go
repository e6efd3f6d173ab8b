package main

// verify-client (registered in gen.go): a talosconfig read with Talos's client config loader, its
// context's certificate paired with its key the way the Talos client does (tls.X509KeyPair), and
// verified against the OS CA for client authentication, as apid does.

import (
	"crypto/tls"
	stdx509 "crypto/x509"
	"encoding/base64"
	"fmt"

	clientconfig "github.com/siderolabs/talos/pkg/machinery/client/config"
)

func verifyClient(talosconfig, caPEM string) (any, error) {
	fail := func(err error) (any, error) { return map[string]any{"error": err.Error()}, nil }

	cfg, err := clientconfig.FromString(talosconfig)
	if err != nil {
		return fail(err)
	}

	ctx, ok := cfg.Contexts[cfg.Context]
	if !ok {
		return fail(fmt.Errorf("context %q not found", cfg.Context))
	}

	crt, err := base64.StdEncoding.DecodeString(ctx.Crt)
	if err != nil {
		return fail(err)
	}

	key, err := base64.StdEncoding.DecodeString(ctx.Key)
	if err != nil {
		return fail(err)
	}

	ca, err := base64.StdEncoding.DecodeString(ctx.CA)
	if err != nil {
		return fail(err)
	}

	pair, err := tls.X509KeyPair(crt, key)
	if err != nil {
		return fail(err)
	}

	leaf, err := stdx509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return fail(err)
	}

	pool := stdx509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(caPEM)) {
		return fail(fmt.Errorf("no CA certificate in the given PEM"))
	}

	_, verifyErr := leaf.Verify(stdx509.VerifyOptions{Roots: pool, KeyUsages: []stdx509.ExtKeyUsage{stdx509.ExtKeyUsageClientAuth}})

	out := map[string]any{
		"context":       cfg.Context,
		"endpoints":     ctx.Endpoints,
		"nodes":         ctx.Nodes,
		"caMatches":     string(ca) == caPEM,
		"cert":          describeCert(leaf),
		"keyType":       keyType(pair.PrivateKey),
		"chainVerified": verifyErr == nil,
	}

	if verifyErr != nil {
		out["verifyError"] = verifyErr.Error()
	}

	return out, nil
}
