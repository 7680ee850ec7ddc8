// Package pki makes and loads the certificates that authenticate the nodes
// and clients of one deployment: a per-deployment certificate authority and,
// signed by it, one certificate per node and per client, each naming its
// holder's identity in a URI subject alternative name.
//
// Identities are URIs:
//
//	hydro://node/<role>/<member>   a node: member <member> of location <role>
//	hydro://client/<name>          a client of the nodes' Input and Output ports
//
// Keys are ECDSA P-256. Certificates are for both TLS client and server
// authentication, since every node both dials and accepts.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Kind tells nodes from clients.
type Kind int

const (
	// Node is a node of the program.
	Node Kind = iota + 1
	// Client is a client of the nodes' ports.
	Client
)

// Identity is who holds a certificate.
type Identity struct {
	Kind   Kind
	Role   string // a node's location
	Member uint64 // a node's member number
	Name   string // a client's name
}

// NodeID returns the identity of member m of role.
func NodeID(role string, m uint64) Identity { return Identity{Kind: Node, Role: role, Member: m} }

// ClientID returns the identity of the client name.
func ClientID(name string) Identity { return Identity{Kind: Client, Name: name} }

// URI returns the identity as the URI its certificate carries.
func (id Identity) URI() *url.URL {
	if id.Kind == Client {
		return &url.URL{Scheme: "hydro", Host: "client", Path: "/" + id.Name}
	}
	return &url.URL{Scheme: "hydro", Host: "node", Path: "/" + id.Role + "/" + strconv.FormatUint(id.Member, 10)}
}

// String returns "role/member" for a node and "client/name" for a client.
func (id Identity) String() string {
	if id.Kind == Client {
		return "client/" + id.Name
	}
	return id.Role + "/" + strconv.FormatUint(id.Member, 10)
}

// FileBase returns the base name of the identity's certificate and key
// files in a certificate directory: "role-member" or "client.name" (role
// names have no '.', so the two never meet).
func (id Identity) FileBase() string {
	if id.Kind == Client {
		return "client." + id.Name
	}
	return id.Role + "-" + strconv.FormatUint(id.Member, 10)
}

func validName(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

func (id Identity) check() error {
	switch {
	case id.Kind == Node && (!validName(id.Role) || strings.Contains(id.Role, ".")):
		return fmt.Errorf("pki: invalid role name %q", id.Role)
	case id.Kind == Client && !validName(id.Name):
		return fmt.Errorf("pki: invalid client name %q", id.Name)
	case id.Kind != Node && id.Kind != Client:
		return errors.New("pki: identity of no kind")
	}
	return nil
}

// IdentityOf returns the identity a certificate names. It does not verify
// the certificate; use it on verified chains only.
func IdentityOf(cert *x509.Certificate) (Identity, error) {
	for _, u := range cert.URIs {
		if u.Scheme != "hydro" {
			continue
		}
		parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
		switch {
		case u.Host == "client" && len(parts) == 1:
			id := ClientID(parts[0])
			return id, id.check()
		case u.Host == "node" && len(parts) == 2:
			m, err := strconv.ParseUint(parts[1], 10, 32)
			if err != nil {
				return Identity{}, fmt.Errorf("pki: certificate %q: bad member in %s", cert.Subject.CommonName, u)
			}
			id := NodeID(parts[0], m)
			return id, id.check()
		}
	}
	return Identity{}, fmt.Errorf("pki: certificate %q names no hydro identity", cert.Subject.CommonName)
}

// CA is a deployment's certificate authority.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// validity of the certificates this package makes.
const validity = 10 * 365 * 24 * time.Hour

func newKey() (*ecdsa.PrivateKey, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }

func serial() (*big.Int, error) { return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127)) }

// NewCA makes a self-signed certificate authority named name.
func NewCA(name string) (*CA, error) {
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("pki: make CA: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key}, nil
}

// Issue makes a key and a certificate for id, signed by ca. hosts, if any,
// become DNS or IP subject alternative names, for tools that check them.
func (ca *CA) Issue(id Identity, hosts ...string) (tls.Certificate, error) {
	if err := id.check(); err != nil {
		return tls.Certificate{}, err
	}
	key, err := newKey()
	if err != nil {
		return tls.Certificate{}, err
	}
	sn, err := serial()
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: id.String()},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(validity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		URIs:         []*url.URL{id.URI()},
	}
	for _, h := range hosts {
		if ip := parseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: issue %s: %w", id, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// Pool returns a pool holding the CA's certificate.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// Verify checks that a peer's certificate chain was issued by the CA in
// roots for TLS use and returns the identity it names.
func Verify(roots *x509.CertPool, rawCerts [][]byte) (Identity, error) {
	if len(rawCerts) == 0 {
		return Identity{}, errors.New("pki: no certificate")
	}
	certs := make([]*x509.Certificate, len(rawCerts))
	for i, raw := range rawCerts {
		c, err := x509.ParseCertificate(raw)
		if err != nil {
			return Identity{}, fmt.Errorf("pki: %w", err)
		}
		certs[i] = c
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	if _, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return Identity{}, fmt.Errorf("pki: %w", err)
	}
	return IdentityOf(certs[0])
}

// Files of a certificate directory.
const (
	CAFile    = "ca.crt"
	CAKeyFile = "ca.key"
	TokenFile = "client.token"
)

// WriteCA writes the CA's certificate and key into dir.
func (ca *CA) WriteCA(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(ca.Key)
	if err != nil {
		return err
	}
	if err := writePEM(filepath.Join(dir, CAFile), "CERTIFICATE", ca.Cert.Raw, 0o644); err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, CAKeyFile), "PRIVATE KEY", keyDER, 0o600)
}

// WriteCert writes cert and its key into dir as <base>.crt and <base>.key,
// base being id.FileBase().
func WriteCert(dir string, id Identity, cert tls.Certificate) error {
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		return err
	}
	base := filepath.Join(dir, id.FileBase())
	if err := writePEM(base+".crt", "CERTIFICATE", cert.Certificate[0], 0o644); err != nil {
		return err
	}
	return writePEM(base+".key", "PRIVATE KEY", keyDER, 0o600)
}

// WriteToken writes a fresh random client token into dir and returns it.
func WriteToken(dir string) (string, error) {
	b := make([]byte, 32)
	rand.Read(b)
	tok := fmt.Sprintf("%x", b)
	return tok, os.WriteFile(filepath.Join(dir, TokenFile), []byte(tok+"\n"), 0o600)
}

func writePEM(path, typ string, der []byte, perm os.FileMode) error {
	data := pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
	if err := os.WriteFile(path, data, perm); err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	return nil
}

// LoadCA reads the CA certificate (and, if present, its key) from dir.
func LoadCA(dir string) (*CA, error) {
	data, err := os.ReadFile(filepath.Join(dir, CAFile))
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("pki: %s: no PEM certificate", filepath.Join(dir, CAFile))
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("pki: %s: %w", filepath.Join(dir, CAFile), err)
	}
	ca := &CA{Cert: cert}
	if data, err := os.ReadFile(filepath.Join(dir, CAKeyFile)); err == nil {
		if block, _ := pem.Decode(data); block != nil {
			if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
				ca.Key, _ = k.(crypto.Signer)
			}
		}
	}
	return ca, nil
}

// LoadCert reads the certificate and key of id from dir.
func LoadCert(dir string, id Identity) (tls.Certificate, error) {
	base := filepath.Join(dir, id.FileBase())
	cert, err := tls.LoadX509KeyPair(base+".crt", base+".key")
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pki: certificate of %s: %w", id, err)
	}
	return cert, nil
}

// LoadToken reads the client token from dir; "" if there is none.
func LoadToken(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, TokenFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("pki: %w", err)
	}
	return strings.TrimSpace(string(data)), nil
}

// WriteDeployment makes a CA named name and writes into dir the CA, one
// certificate per identity and a client token.
func WriteDeployment(dir, name string, ids []Identity) error {
	ca, err := NewCA(name)
	if err != nil {
		return err
	}
	if err := ca.WriteCA(dir); err != nil {
		return err
	}
	for _, id := range ids {
		cert, err := ca.Issue(id)
		if err != nil {
			return err
		}
		if err := WriteCert(dir, id, cert); err != nil {
			return err
		}
	}
	_, err = WriteToken(dir)
	return err
}

func parseIP(s string) net.IP {
	if ip := net.ParseIP(s); ip != nil {
		return ip
	}
	return nil
}

// ServerConfig returns the TLS configuration for accepting connections with
// cert: a peer that presents a certificate must have one issued by roots
// (whether one is required is for the admission function to decide, since
// clients may authenticate by token instead).
func ServerConfig(roots *x509.CertPool, cert tls.Certificate) *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		ClientCAs:    roots,
		ClientAuth:   tls.VerifyClientCertIfGiven,
	}
}

// ClientConfig returns the TLS configuration for dialing a listener: its
// certificate must be issued by roots and name an identity that check
// accepts. Host names play no part: identities do. cert, if not nil, is
// presented to the listener.
func ClientConfig(roots *x509.CertPool, cert *tls.Certificate, check func(Identity) error) *tls.Config {
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS13,
		// The chain and the identity are checked below instead of a
		// host name, which a node reached at an IP address or at a
		// cluster DNS name may not have in its certificate.
		InsecureSkipVerify: true,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			id, err := Verify(roots, raw)
			if err != nil {
				return err
			}
			if check != nil {
				return check(id)
			}
			return nil
		},
	}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	return cfg
}

// PeerIdentity returns the identity of the verified certificate of a TLS
// connection's peer, and false if the peer presented none.
func PeerIdentity(cs *tls.ConnectionState) (Identity, bool, error) {
	if cs == nil || len(cs.VerifiedChains) == 0 || len(cs.VerifiedChains[0]) == 0 {
		return Identity{}, false, nil
	}
	id, err := IdentityOf(cs.VerifiedChains[0][0])
	return id, true, err
}
