package pki

import (
	"os"
	"path/filepath"
	"testing"
)

func TestIssueAndVerify(t *testing.T) {
	ca, err := NewCA("test")
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewCA("other")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []Identity{NodeID("server", 2), ClientID("app")} {
		cert, err := ca.Issue(id, "server-2.server.default.svc", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		got, err := Verify(ca.Pool(), cert.Certificate)
		if err != nil || got != id {
			t.Fatalf("Verify(%s) = %v, %v", id, got, err)
		}
		if _, err := Verify(other.Pool(), cert.Certificate); err == nil {
			t.Fatalf("%s verified against another CA", id)
		}
	}
	for _, bad := range []Identity{NodeID("", 0), NodeID("a/b", 0), NodeID("a.b", 0), ClientID("x y"), {}} {
		if _, err := ca.Issue(bad); err == nil {
			t.Errorf("issued a certificate for %+v", bad)
		}
	}
	// A certificate of the CA that names no identity is not one of ours.
	foreign := *ca.Cert
	foreign.URIs = nil
	if _, err := IdentityOf(&foreign); err == nil {
		t.Error("identity of a certificate without one")
	}
}

func TestDeploymentFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "certs")
	ids := []Identity{NodeID("client", 0), NodeID("server", 0), NodeID("server", 1), ClientID("app")}
	if err := WriteDeployment(dir, "test", ids); err != nil {
		t.Fatal(err)
	}
	ca, err := LoadCA(dir)
	if err != nil || ca.Key == nil {
		t.Fatalf("LoadCA: %v (key %v)", err, ca != nil && ca.Key != nil)
	}
	for _, id := range ids {
		cert, err := LoadCert(dir, id)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Verify(ca.Pool(), cert.Certificate); err != nil || got != id {
			t.Fatalf("%s: %v, %v", id, got, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "server-1.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v, %v", fi.Mode(), err)
	}
	tok, err := LoadToken(dir)
	if err != nil || len(tok) != 64 {
		t.Fatalf("token %q, %v", tok, err)
	}
	if tok, err := LoadToken(t.TempDir()); tok != "" || err != nil {
		t.Fatalf("missing token: %q, %v", tok, err)
	}
	if _, err := LoadCert(dir, NodeID("server", 9)); err == nil {
		t.Fatal("loaded a certificate that was not written")
	}
}
