package main

// `secrets`: what Talos's own bundle loader makes of a secrets bundle (stdin, YAML): every CA's key
// type, signature algorithm, usages and validity, the service-account key type, and whether the bundle
// validates for a contract. `secrets generate vX.Y` first makes a bundle with Talos's NewBundle (as
// `talosctl gen secrets --talos-version vX.Y` does) and reports on that, returning its YAML too.

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	stdx509 "crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/siderolabs/crypto/x509"
	"github.com/siderolabs/talos/pkg/machinery/config"
	"github.com/siderolabs/talos/pkg/machinery/config/generate/secrets"
)

func keyType(k any) string {
	switch key := k.(type) {
	case ed25519.PrivateKey, ed25519.PublicKey:
		return "ed25519"
	case *ecdsa.PrivateKey:
		return "ecdsa-" + key.Curve.Params().Name
	case *ecdsa.PublicKey:
		return "ecdsa-" + key.Curve.Params().Name
	case *rsa.PrivateKey:
		return fmt.Sprintf("rsa-%d", key.N.BitLen())
	case *rsa.PublicKey:
		return fmt.Sprintf("rsa-%d", key.N.BitLen())
	default:
		return fmt.Sprintf("%T", k)
	}
}

var extUsageNames = map[stdx509.ExtKeyUsage]string{stdx509.ExtKeyUsageServerAuth: "serverAuth", stdx509.ExtKeyUsageClientAuth: "clientAuth"}

// describeCert reports the parts of a certificate that talosctl decides.
func describeCert(crt *stdx509.Certificate) map[string]any {
	ext := []string{}
	for _, u := range crt.ExtKeyUsage {
		ext = append(ext, extUsageNames[u])
	}

	return map[string]any{
		"publicKey":            keyType(crt.PublicKey),
		"signatureAlgorithm":   crt.SignatureAlgorithm.String(),
		"isCA":                 crt.IsCA,
		"basicConstraints":     crt.BasicConstraintsValid,
		"keyUsage":             int(crt.KeyUsage),
		"extKeyUsage":          ext,
		"organizations":        crt.Subject.Organization,
		"commonName":           crt.Subject.CommonName,
		"issuerOrganizations":  crt.Issuer.Organization,
		"validitySeconds":      int64(crt.NotAfter.Sub(crt.NotBefore) / time.Second),
		"notBefore":            crt.NotBefore.UTC().Format(time.RFC3339),
		"serialBits":           crt.SerialNumber.BitLen(),
		"subjectKeyIdLength":   len(crt.SubjectKeyId),
		"authorityKeyIdLength": len(crt.AuthorityKeyId),
		"dnsNames":             crt.DNSNames,
		"ipAddresses":          len(crt.IPAddresses),
		"version":              crt.Version,
	}
}

func describePair(p *x509.PEMEncodedCertificateAndKey) map[string]any {
	if p == nil {
		return nil
	}

	out := map[string]any{}

	crt, err := p.GetCert()
	if err != nil {
		out["error"] = err.Error()

		return out
	}

	out["cert"] = describeCert(crt)

	key, err := p.GetKey()
	if err != nil {
		out["keyError"] = err.Error()
	} else {
		out["key"] = keyType(key)
		block, _ := pem.Decode(p.Key)
		out["keyPEMType"] = block.Type
	}

	return out
}

func describeBundle(b *secrets.Bundle, contract *config.VersionContract) map[string]any {
	out := map[string]any{
		"etcd":          describePair(b.Certs.Etcd),
		"k8s":           describePair(b.Certs.K8s),
		"k8saggregator": describePair(b.Certs.K8sAggregator),
		"os":            describePair(b.Certs.OS),
	}

	if b.Certs.K8sServiceAccount != nil {
		if _, err := b.Certs.K8sServiceAccount.GetKey(); err != nil {
			out["serviceAccount"] = map[string]any{"error": err.Error()}
		} else {
			block, _ := pem.Decode(b.Certs.K8sServiceAccount.Key)
			out["serviceAccount"] = map[string]any{"key": serviceAccountKeyType(block), "keyPEMType": block.Type}
		}
	}

	out["clusterId"] = b.Cluster.ID
	out["clusterSecret"] = b.Cluster.Secret
	out["bootstrapToken"] = b.Secrets.BootstrapToken
	out["trustdToken"] = b.TrustdInfo.Token
	out["secretbox"] = b.Secrets.SecretboxEncryptionSecret
	out["aescbc"] = b.Secrets.AESCBCEncryptionSecret

	if err := b.Validate(contract); err != nil {
		out["validateError"] = err.Error()
	}

	return out
}

// loadBundle reads a bundle with Talos's own loader (secrets.LoadBundle wants a path).
func loadBundle(text []byte) (*secrets.Bundle, error) {
	dir, err := os.MkdirTemp("", "oracle-secrets")
	if err != nil {
		return nil, err
	}

	defer os.RemoveAll(dir) //nolint:errcheck

	path := filepath.Join(dir, "secrets.yaml")
	if err = os.WriteFile(path, text, 0o600); err != nil {
		return nil, err
	}

	return secrets.LoadBundle(path)
}

func parseContract(s string) (*config.VersionContract, error) {
	if s == "" {
		return nil, nil
	}

	return config.ParseContractFromVersion(s)
}

func init() {
	register("secrets", "load a bundle (stdin) with Talos's loader and describe it; `secrets generate vX.Y` makes one first", func(args []string, stdin io.Reader) (any, error) {
		if len(args) >= 1 && args[0] == "generate" {
			contract, err := parseContract(argAt(args, 1))
			if err != nil {
				return map[string]any{"error": err.Error()}, nil
			}

			b, err := secrets.NewBundle(secrets.NewFixedClock(time.Now()), contract)
			if err != nil {
				return map[string]any{"error": err.Error()}, nil
			}

			text, err := yaml.Marshal(b)
			if err != nil {
				return nil, err
			}

			return map[string]any{"yaml": string(text), "bundle": describeBundle(b, contract)}, nil
		}

		text, err := io.ReadAll(stdin)
		if err != nil {
			return nil, err
		}

		contract, err := parseContract(argAt(args, 0))
		if err != nil {
			return map[string]any{"error": err.Error()}, nil
		}

		b, err := loadBundle(text)
		if err != nil {
			return map[string]any{"error": err.Error()}, nil
		}

		return map[string]any{"bundle": describeBundle(b, contract)}, nil
	})
}

func argAt(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}

	return ""
}

// serviceAccountKeyType names the key inside the PEM block (Talos's GetKey wraps it in its own types).
func serviceAccountKeyType(block *pem.Block) string {
	switch block.Type {
	case "RSA PRIVATE KEY":
		if k, err := stdx509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
			return keyType(k)
		}
	case "EC PRIVATE KEY":
		if k, err := stdx509.ParseECPrivateKey(block.Bytes); err == nil {
			return keyType(k)
		}
	}

	return "unknown " + block.Type
}
