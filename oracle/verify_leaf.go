package main

// verify-leaf: a CA and a leaf it issued (the simulator's), checked with Talos's own code: the CA loaded
// with its key the way machined loads machine.ca (siderolabs/crypto), the leaf paired with its key as a
// TLS server or client does (tls.X509KeyPair) and verified against the CA for its usage and for each of
// its names. Beside them, described the same way: the CA Talos makes for the same organisations and the
// leaf Talos issues from the given CA for the same names and usage (as apid's certificate is issued).

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/tls"
	stdx509 "crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"

	"github.com/siderolabs/crypto/x509"
)

type verifyLeafRequest struct {
	CA            string   `json:"ca"`    // PEM
	CAKey         string   `json:"caKey"` // PEM as Talos stores it
	Leaf          string   `json:"leaf"`
	LeafKey       string   `json:"leafKey"`
	CommonName    string   `json:"commonName"`
	Organizations []string `json:"organizations"`
	DNSNames      []string `json:"dnsNames"`
	IPs           []string `json:"ips"`
	Usage         string   `json:"usage"` // "server" or "client"
}

func init() {
	register("verify-leaf", "check a CA and its leaf (stdin JSON {ca, caKey, leaf, leafKey, commonName, organizations, dnsNames, ips, usage}) with Talos's loaders and Go's verifier, beside the CA and leaf Talos makes for the same names", func(_ []string, stdin io.Reader) (any, error) {
		var req verifyLeafRequest
		if err := json.NewDecoder(stdin).Decode(&req); err != nil {
			return nil, err
		}

		return verifyLeaf(req)
	})
}

func verifyLeaf(req verifyLeafRequest) (any, error) {
	fail := func(err error) (any, error) { return map[string]any{"error": err.Error()}, nil }

	ca, err := x509.NewCertificateAuthorityFromCertificateAndKey(&x509.PEMEncodedCertificateAndKey{Crt: []byte(req.CA), Key: []byte(req.CAKey)})
	if err != nil {
		return fail(fmt.Errorf("loading the CA: %w", err))
	}

	pair, err := tls.X509KeyPair([]byte(req.Leaf), []byte(req.LeafKey))
	if err != nil {
		return fail(fmt.Errorf("pairing the leaf with its key: %w", err))
	}

	leaf, err := stdx509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return fail(err)
	}

	usage := stdx509.ExtKeyUsageServerAuth
	if req.Usage == "client" {
		usage = stdx509.ExtKeyUsageClientAuth
	}

	pool := stdx509.NewCertPool()
	pool.AddCert(ca.Crt)

	_, verifyErr := leaf.Verify(stdx509.VerifyOptions{Roots: pool, KeyUsages: []stdx509.ExtKeyUsage{usage}})

	names := map[string]bool{}
	ips := []net.IP{}

	for _, name := range append(append([]string{}, req.DNSNames...), req.IPs...) {
		names[name] = leaf.VerifyHostname(name) == nil
	}

	for _, ip := range req.IPs {
		ips = append(ips, net.ParseIP(ip))
	}

	talosLeaf, err := x509.NewKeyPair(ca,
		x509.IPAddresses(ips),
		x509.DNSNames(req.DNSNames),
		x509.CommonName(req.CommonName),
		x509.Organization(req.Organizations...),
		x509.KeyUsage(stdx509.KeyUsageDigitalSignature),
		x509.ExtKeyUsage([]stdx509.ExtKeyUsage{usage}),
	)
	if err != nil {
		return fail(fmt.Errorf("Talos issuing from the CA: %w", err))
	}

	talosLeafCrt, err := stdx509.ParseCertificate(talosLeaf.Certificate.Certificate[0])
	if err != nil {
		return fail(err)
	}

	// The CA Talos makes with the same kind of key and organisations.
	kind := []x509.Option{x509.Organization(ca.Crt.Subject.Organization...)}

	switch ca.Key.(type) {
	case *ecdsa.PrivateKey:
		kind = append(kind, x509.ECDSA(true))
	case *rsa.PrivateKey:
		kind = append(kind, x509.RSA(true), x509.Bits(2048))
	}

	talosCA, err := x509.NewSelfSignedCertificateAuthority(kind...)
	if err != nil {
		return fail(fmt.Errorf("Talos making a CA: %w", err))
	}

	out := map[string]any{
		"caKeyType":     keyType(ca.Key),
		"ca":            describeCert(ca.Crt),
		"talosCa":       describeCert(talosCA.Crt),
		"leaf":          describeCert(leaf),
		"leafKeyType":   keyType(pair.PrivateKey),
		"talosLeaf":     describeCert(talosLeafCrt),
		"chainVerified": verifyErr == nil,
		"names":         names,
	}

	if verifyErr != nil {
		out["verifyError"] = verifyErr.Error()
	}

	return out, nil
}
