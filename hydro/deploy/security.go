package deploy

import (
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"slices"

	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/netio"
	"github.com/hydrogo/hydro/netio/pki"
)

// clientFrom is the Addr prefix of the frames of clients (reply routes):
// they may reach ports only.
const clientFrom = "client/"

// security returns the netio options that authenticate the node's peers and
// clients: mutual TLS with the deployment's certificates under -certs, or,
// with -insecure-plaintext, hellos taken at their word but only for the
// addresses -peers lists.
func (o *options) security(role string) ([]netio.TCPOption, error) {
	switch {
	case o.certs != "" && o.insecure:
		return nil, usagef("-certs and -insecure-plaintext exclude each other")
	case o.insecure:
		return []netio.TCPOption{netio.WithAdmit(o.admitPlaintext)}, nil
	case o.certs == "":
		return nil, usagef("no credentials: give -certs DIR (HYDRO_CERTS) with the deployment's certificates " +
			"(hydrogen certs makes them), or -insecure-plaintext (HYDRO_INSECURE_PLAINTEXT) to run without authentication")
	}
	ca, err := pki.LoadCA(o.certs)
	if err != nil {
		return nil, usagef("-certs %s: %w", o.certs, err)
	}
	self := pki.NodeID(role, uint64(o.member))
	cert, err := pki.LoadCert(o.certs, self)
	if err != nil {
		return nil, usagef("-certs %s: %w", o.certs, err)
	}
	token, err := pki.LoadToken(o.certs)
	if err != nil {
		return nil, usagef("-certs %s: %w", o.certs, err)
	}
	roots := ca.Pool()
	at := o.identitiesByAddr()
	client := func(to netio.Addr) (*tls.Config, error) {
		want := at[to]
		return pki.ClientConfig(roots, &cert, func(got pki.Identity) error {
			if !slices.Contains(want, got) {
				return fmt.Errorf("the certificate at %s names %s, which -peers does not place there", to, got)
			}
			return nil
		}), nil
	}
	admit := func(ci netio.ConnInfo) (netio.Admission, error) {
		id, ok, err := pki.PeerIdentity(ci.TLS)
		switch {
		case err != nil:
			return netio.Admission{}, err
		case !ok:
			if token != "" && ci.Token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(ci.Token)) == 1 {
				return netio.Admission{From: clientFrom + "token", Reply: true}, nil
			}
			return netio.Admission{}, errors.New("no client certificate and no valid token")
		case id.Kind == pki.Client:
			return netio.Admission{From: netio.Addr(clientFrom + id.Name), Reply: true}, nil
		}
		addrs := o.peers[id.Role]
		if id.Member >= uint64(len(addrs)) {
			return netio.Admission{}, fmt.Errorf("peer %s is not in -peers", id)
		}
		return netio.Admission{From: addrs[id.Member]}, nil
	}
	return []netio.TCPOption{netio.WithTLS(pki.ServerConfig(roots, cert), client), netio.WithAdmit(admit)}, nil
}

// identitiesByAddr returns the nodes that -peers places at each address.
func (o *options) identitiesByAddr() map[netio.Addr][]pki.Identity {
	at := map[netio.Addr][]pki.Identity{}
	for role, addrs := range o.peers {
		for m, a := range addrs {
			at[a] = append(at[a], pki.NodeID(role, uint64(m)))
		}
	}
	return at
}

// admitPlaintext admits, without TLS, the connections whose hello claims an
// address that -peers lists, as that address, and those that claim none as
// clients.
func (o *options) admitPlaintext(ci netio.ConnInfo) (netio.Admission, error) {
	if ci.Claimed == "" {
		return netio.Admission{From: clientFrom + "plaintext", Reply: true}, nil
	}
	for _, addrs := range o.peers {
		if slices.Contains(addrs, ci.Claimed) {
			return netio.Admission{From: ci.Claimed}, nil
		}
	}
	return netio.Admission{}, fmt.Errorf("%s is not in -peers", ci.Claimed)
}

// isClient reports whether frames from a come from a client rather than a
// peer node.
func isClient(a netio.Addr) bool { return netio.IsReplyAddr(a) }

// portTag reports whether tag is the tag of a port rather than of a network
// operator.
func portTag(tag uint16) bool { return tag >= hydro.PortTagBase }
