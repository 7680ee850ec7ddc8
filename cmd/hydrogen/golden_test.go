package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// goldenCases are the packages of gen/testdata whose generated code is
// checked byte for byte against <flow>_hydro.go.golden.
var goldenCases = []string{"pipeline", "joinfold", "cycle", "negation"}

// TestGolden compiles every golden case and compares the generated files
// with the expected ones; -update rewrites them.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c, func(t *testing.T) {
			dir, err := filepath.Abs(filepath.Join("../../gen/testdata", c))
			require.NoError(t, err)
			files, err := Compile(dir, ".")
			require.NoError(t, err)
			require.NotEmpty(t, files)
			for path, src := range files {
				golden := path + ".golden"
				if *update {
					require.NoError(t, os.WriteFile(golden, src, 0o666))
				}
				want, err := os.ReadFile(golden)
				require.NoError(t, err, "no expected output; run go test ./cmd/hydrogen -run Golden -update")
				require.Equal(t, string(want), string(src), "%s differs from the generated code; run go test ./cmd/hydrogen -run Golden -update", golden)
			}
			goldens, err := filepath.Glob(filepath.Join(dir, "*.golden"))
			require.NoError(t, err)
			require.Len(t, goldens, len(files), "an expected file names no flow")
		})
	}
}

// TestGoldenBuilds builds every golden case with its expected generated files
// in place (through go build -overlay), so the expected output is valid Go
// that compiles against the flow's package.
func TestGoldenBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	overlay := map[string]string{}
	var pkgs []string
	for _, c := range goldenCases {
		dir, err := filepath.Abs(filepath.Join("../../gen/testdata", c))
		require.NoError(t, err)
		goldens, err := filepath.Glob(filepath.Join(dir, "*_hydro.go.golden"))
		require.NoError(t, err)
		require.NotEmpty(t, goldens)
		for _, g := range goldens {
			overlay[strings.TrimSuffix(g, ".golden")] = g
		}
		pkgs = append(pkgs, "./gen/testdata/"+c)
	}
	js, err := json.Marshal(map[string]any{"Replace": overlay})
	require.NoError(t, err)
	ov := filepath.Join(t.TempDir(), "overlay.json")
	require.NoError(t, os.WriteFile(ov, js, 0o666))
	cmd := exec.Command("go", append([]string{"vet", "-overlay", ov}, pkgs...)...)
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}
