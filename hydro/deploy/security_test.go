package deploy

import (
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/netio"
	"github.com/hydrogo/hydro/netio/pki"
)

// forger returns a netio endpoint that presents cert (if any) and claims
// the address claim in its hello.
func forger(t *testing.T, cert *tls.Certificate, roots *pki.CA, claim string) netio.Endpoint {
	t.Helper()
	opts := []netio.TCPOption{netio.WithAdvertiseAddr(netio.Addr(claim)), netio.WithLogger(quietLogger())}
	if cert != nil {
		cfg := pki.ClientConfig(roots.Pool(), cert, nil)
		opts = append(opts, netio.WithTLS(nil, func(netio.Addr) (*tls.Config, error) { return cfg, nil }))
	}
	ep, err := netio.ListenTCP("127.0.0.1:0", opts...)
	require.NoError(t, err)
	t.Cleanup(func() { ep.Close() })
	return ep
}

func TestForgedPeerFramesAreRejected(t *testing.T) {
	a, b0, b1 := freeAddr(t), freeAddr(t), freeAddr(t)
	peers := fmt.Sprintf("a=%s;b=%s,%s", a, b0, b1)
	na := start(t, relayRole("a"), "-peers", peers)
	nb := start(t, relayRole("b"), "-peers", peers, `-param.to="a"`)

	// The real b/0 reaches a.
	require.NoError(t, Push(dial(t, b0), inPort, note{"real"}))
	na.waitFor(t, &na.stdout, `out {"Text":"real@0"}`)

	ca, err := pki.LoadCA(testCerts())
	require.NoError(t, err)
	other, err := pki.NewCA("other")
	require.NoError(t, err)
	unlisted, err := ca.Issue(pki.NodeID("b", 2)) // -peers lists two members of b
	require.NoError(t, err)
	foreign, err := other.Issue(pki.NodeID("b", 0))
	require.NoError(t, err)
	client, err := pki.LoadCert(testCerts(), pki.ClientID(DefaultClientName))
	require.NoError(t, err)
	forgers := map[string]netio.Endpoint{
		"plaintext claiming b/0":    forger(t, nil, nil, b0),
		"an unlisted node":          forger(t, &unlisted, ca, b0),
		"another CA's b/0":          forger(t, &foreign, ca, b0),
		"a client posing as a peer": forger(t, &client, ca, b0),
	}
	for _, f := range forgers {
		f.Send(netio.Addr(a), relayTag, appendNote(nil, &note{"forged"}))
	}
	na.waitFor(t, &na.stderr, "clients may only use ports")
	require.Eventually(t, func() bool {
		return metric(t, na, `hydro_connections_total{event="rejected"}`) >= 3
	}, 5*time.Second, 10*time.Millisecond, na.stderr.String())
	require.Equal(t, 1.0, metric(t, na, "hydro_client_frames_rejected_total"))
	require.Contains(t, na.stderr.String(), "peer b/2 is not in -peers")
	require.Equal(t, 1.0, metric(t, na, fmt.Sprintf(`hydro_peer_frames_total{direction="received",peer=%q}`, b0)))
	require.Equal(t, 1.0, metric(t, na, `hydro_peer_frames_total{direction="received",peer="client/app"}`))
	require.NotContains(t, na.stdout.String(), "forged")
	_ = nb
}

func TestClientsNeedCredentials(t *testing.T) {
	addr := freeAddr(t)
	n := start(t, relayRole("relay"), "-listen", addr)

	// A directory with the CA and a wrong token, and one with the CA and
	// the right token only.
	ca, err := os.ReadFile(filepath.Join(testCerts(), pki.CAFile))
	require.NoError(t, err)
	token, err := os.ReadFile(filepath.Join(testCerts(), pki.TokenFile))
	require.NoError(t, err)
	wrong, right := t.TempDir(), t.TempDir()
	for dir, tok := range map[string][]byte{wrong: []byte("guess\n"), right: token} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, pki.CAFile), ca, 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, pki.TokenFile), tok, 0o600))
	}
	for _, opt := range []ClientOption{WithCertDir(wrong), WithInsecurePlaintext()} {
		c, err := Dial(addr, opt)
		require.NoError(t, err)
		defer c.Close()
		got := make(chan string, 1)
		require.NoError(t, Subscribe(c, outPort, func(v note) { got <- v.Text }))
		require.NoError(t, Push(c, inPort, note{"intruder"}))
	}
	_, err = Dial(addr, WithCertDir(t.TempDir()))
	require.ErrorContains(t, err, "ca.crt")

	// Token and certificate clients get through.
	tc, err := Dial(addr, WithCertDir(right))
	require.NoError(t, err)
	defer tc.Close()
	got := make(chan string, 10)
	require.NoError(t, Subscribe(tc, outPort, func(v note) { got <- v.Text }))
	// The subscription and the pushes travel on different connections:
	// push until an item arrives.
	cc := dial(t, addr)
	require.Eventually(t, func() bool {
		require.NoError(t, Push(cc, inPort, note{"friend"}))
		select {
		case v := <-got:
			return v == "friend"
		case <-time.After(50 * time.Millisecond):
			return false
		}
	}, 5*time.Second, time.Millisecond)
	require.Eventually(t, func() bool {
		return metric(t, n, `hydro_connections_total{event="rejected"}`) >= 2
	}, 5*time.Second, 10*time.Millisecond)
	require.NotContains(t, n.stdout.String(), "intruder")
}
