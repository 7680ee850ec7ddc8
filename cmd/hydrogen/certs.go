package main

// "hydrogen certs" makes the certificates of a deployment: a CA, one
// certificate per node and the client credentials. See docs/deploy.md.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/hydrogo/hydro/hydro/deploy"
	"github.com/hydrogo/hydro/netio/pki"
)

const certsUsage = "usage: hydrogen certs -o DIR [-name NAME] [-clients NAME,...] role=count ..."

// certsCmd is "hydrogen certs": 0 on success, 1 on failure, 2 for a usage
// error.
func certsCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hydrogen certs", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("o", "", "the `DIR`ectory to write, which must not hold a CA yet")
	name := fs.String("name", "hydro deployment", "the CA's `NAME`")
	clients := fs.String("clients", deploy.DefaultClientName, "the client certificates to make, as `NAME,...`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, certsUsage)
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			fmt.Fprintln(stderr, "\nEvery role=count makes the certificates of members 0..count-1 of that location.")
			return 0
		}
		return certsUsageError(stderr, err.Error())
	}
	if *out == "" {
		return certsUsageError(stderr, "no output directory: give -o DIR")
	}
	var ids []pki.Identity
	for _, a := range fs.Args() {
		role, n, err := parseRoleCount(a)
		if err != nil {
			return certsUsageError(stderr, fmt.Sprintf("%q: %v", a, err))
		}
		for m := range n {
			ids = append(ids, pki.NodeID(role, uint64(m)))
		}
	}
	if len(ids) == 0 {
		return certsUsageError(stderr, "no roles: give role=count for every location")
	}
	for c := range strings.SplitSeq(*clients, ",") {
		if c = strings.TrimSpace(c); c != "" {
			ids = append(ids, pki.ClientID(c))
		}
	}
	if _, err := os.Stat(*out + "/" + pki.CAFile); err == nil {
		fmt.Fprintf(stderr, "hydrogen certs: %s already holds a CA; choose another directory\n", *out)
		return 1
	}
	if err := pki.WriteDeployment(*out, *name, ids); err != nil {
		fmt.Fprintf(stderr, "hydrogen certs: %v\n", err)
		return 1
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id.FileBase()
	}
	slices.Sort(names)
	fmt.Fprintf(stdout, "wrote %s/%s, %s/%s, %s/%s and the certificates of %s\n", *out, pki.CAFile, *out, pki.CAKeyFile, *out, pki.TokenFile, strings.Join(names, ", "))
	return 0
}

func certsUsageError(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "hydrogen certs: %s\n%s\n", msg, certsUsage)
	return 2
}
