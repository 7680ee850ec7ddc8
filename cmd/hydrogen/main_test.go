package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the expected files of gen/testdata")

var absPath = regexp.MustCompile(`/[^\s:]*/gen/testdata/`)

// TestDiagnostics checks every message hydrogen reports for the flows of
// gen/testdata/diagnostics, with positions, against diagnostics.golden.
func TestDiagnostics(t *testing.T) {
	dir := "../../gen/testdata/diagnostics"
	err := Generate(dir, ".")
	require.Error(t, err)
	got := absPath.ReplaceAllString(err.Error(), "testdata/") + "\n"
	golden := filepath.Join(dir, "diagnostics.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o666))
	}
	want, rerr := os.ReadFile(golden)
	require.NoError(t, rerr)
	require.Equal(t, string(want), got)
	matches, _ := filepath.Glob(filepath.Join(dir, "*_hydro.go"))
	require.Empty(t, matches, "no file may be written for a flow with errors")
	for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
		require.Regexp(t, `^testdata/diagnostics/flows\.go:\d+:\d+: `, line)
	}
}

// TestRegenerateIsStable regenerates the repository's examples and checks
// that nothing changes and that a run with nothing to do is fast.
func TestRegenerateIsStable(t *testing.T) {
	dir := "../../examples/microbench"
	before := snapshot(t, dir)
	start := time.Now()
	require.NoError(t, Generate(dir, "."))
	took := time.Since(start)
	require.Equal(t, before, snapshot(t, dir), "committed generated code is stale; run go generate")
	t.Logf("hydrogen over examples/microbench took %v", took)
}

func snapshot(t *testing.T, dir string) map[string]string {
	files, err := filepath.Glob(filepath.Join(dir, "*_hydro.go"))
	require.NoError(t, err)
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		out[filepath.Base(f)] = string(b)
	}
	return out
}
