package pipeline

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// badPath strips the directory of gen/testdata/bad from messages.
var badPath = regexp.MustCompile(`/[^\s:]*/gen/testdata/bad/`)

// TestBadInput checks the message hydrogen gives for each class of bad input
// users hit, one package of gen/testdata/bad each. The interpreter's side of
// the same classes is tested in package hydro (TestBuildErrors).
func TestBadInput(t *testing.T) {
	cases := []struct {
		dir  string
		want []string
	}{
		{"spaced", []string{"spaced/flows.go:6:1: directive written with a space after //, which makes it an ordinary comment: write //hydro:flow"}},
		{"blankline", []string{"blankline/flows.go:6:1: //hydro:flow is not part of a declaration's doc comment, so it marks nothing: remove the blank line between it and the declaration it is for"}},
		{"generic", []string{"generic/flows.go:7:6: flow Generic has type parameters; hydrogen generates one node type per flow and cannot instantiate a generic flow: give the flow concrete types (a generic sub-flow called by it is not supported either)"}},
		{"testfile", []string{"testfile/flows_test.go:6:6: flow InTest is in a test file: hydrogen compiles only a package's non-test files, so it would generate nothing for it; move the flow to a file not ending in _test.go"}},
		{"mainpkg", []string{"mainpkg/main.go:7:6: flow Relay spans locations but is in package main: hydrogen generates a main package per location that imports the flow's package, and a main package cannot be imported; move the flow to a package of its own"}},
		{"ports", []string{"ports/flows.go:9:58: hydro.Source: input in is already read by the hydro.Source on line 9; each item of an Input goes to one Source, so this one would get nothing: read the input once and use the stream twice"}},
		{"noloc", []string{"noloc/flows.go:7:6: flow Nowhere declares no location: place its operators with f.Process or f.Cluster"}},
		{"timer", []string{
			"timer/flows.go:13:36: hydro.Timer: period 0s must be positive",
			"timer/flows.go:13:55: hydro.Timer: period -1s must be positive",
		}},
		{"tags", []string{
			"tags/flows.go:22:29: hydro.MergeKeyed: input type tags.valueMerge has invalid hydro tags:\n\ttags.valueMerge.L: lattice field of type tags.copyMerge has method Merge with a value receiver, which merges into a copy and loses the result; declare it on *tags.copyMerge",
			"tags/flows.go:28:23: hydro.Join: left type tags.pointerKey has invalid hydro tags:\n\ttags.pointerKey.K: key field of pointer type *int compares by address, not by value; use the pointed-to type",
		}},
		{"nodetype", []string{
			"nodetype/flows.go:8:6: RelayP collides with the node type hydrogen generates for location \"p\" of flow Relay; rename it",
			"nodetype/flows.go:11:71: parameter nd of flow Relay is the name of the generated node's receiver; rename the parameter",
		}},
		{"typeerr", []string{"typeerr/flows.go:8:47: in call to hydro.Sink, type hydro.Output[string] of out does not match inferred type hydro.Output[int] for hydro.Output[T]"}},
		{"casecollide", []string{"casecollide/flows.go:10:6: flows Carts and CARTS would both be generated into carts_hydro.go; rename one"}},
		{"local", []string{
			"local/flows.go:9:10: a flow body binds only streams, locations and cycles; to use this value in the functions passed to operators, make step a parameter of the flow (or a package-level constant)",
			"local/flows.go:10:73: hydro.Map: the closure uses step, a variable declared in the flow body at local/flows.go:9:2; hydrogen moves the closure into the generated node, where step does not exist: make step a parameter of the flow (or a package-level name)",
		}},
	}
	for _, c := range cases {
		t.Run(c.dir, func(t *testing.T) {
			_, ds, err := Compile(filepath.Join("../testdata/bad", c.dir), ".")
			if err == nil {
				require.True(t, ds.HasErrors())
				err = ds.Errors()
			}
			// A package that does not type-check fails to load, its errors
			// reported once each.
			got := badPath.ReplaceAllString(err.Error(), "")
			require.Equal(t, strings.Join(c.want, "\n"), got)
		})
	}
}

// TestUnusedPortsWarn checks the warnings for ports a flow never uses: the
// flow is still generated.
func TestUnusedPortsWarn(t *testing.T) {
	files, ds, err := Compile("../testdata/bad/unused", ".")
	require.NoError(t, err)
	require.False(t, ds.HasErrors(), "%v", ds)
	require.NotEmpty(t, files)
	got := badPath.ReplaceAllString(ds.Error(), "")
	require.Equal(t, "unused/flows.go:7:32: warning: input idle is never read: items pushed to it are never processed; read it with hydro.Source or remove the parameter\n"+
		"unused/flows.go:7:60: warning: output empty is never written: it stays empty; write it with hydro.Sink or remove the parameter", got)
}

// TestGeneratedCompiles generates packages that use, for their own
// declarations, the names generated code uses (names), key their joins by a
// promoted field (promoted) and send time.Time across the network
// (timesend), and tests the generated code: it must compile, and a node
// whose Timer period parameter is zero must refuse to start (names).
func TestGeneratedCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test")
	}
	var pkgs []string
	for _, c := range []string{"promoted", "names", "timesend"} {
		dir := filepath.Join("../testdata/bad", c)
		files, ds, err := Compile(dir, ".")
		require.NoError(t, err)
		require.Empty(t, ds, c)
		require.NotEmpty(t, files, c)
		for path := range files {
			t.Cleanup(func() { os.Remove(path) })
		}
		t.Cleanup(func() { os.RemoveAll(filepath.Join(dir, "cmd")) })
		require.NoError(t, Write(files))
		pkgs = append(pkgs, "./gen/testdata/bad/"+c+"/...")
	}
	cmd := exec.Command("go", append([]string{"test", "-count=1"}, pkgs...)...)
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}
