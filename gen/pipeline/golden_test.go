package pipeline

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// goldenCases are the packages of gen/testdata whose generated code is
// checked byte for byte against <flow>_hydro.go.golden.
var goldenCases = []string{"pipeline", "joinfold", "cycle", "negation", "network"}

// TestGolden compiles every golden case and compares the generated files
// with the expected ones; -update rewrites them.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c, func(t *testing.T) {
			dir, err := filepath.Abs(filepath.Join("../testdata", c))
			require.NoError(t, err)
			files, ds, err := Compile(dir, ".")
			require.NoError(t, err)
			require.Empty(t, ds)
			require.NotEmpty(t, files)
			for path, src := range files {
				require.NotNil(t, src, "%s is stale", path)
				golden := path + ".golden"
				if *update {
					require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o777))
					require.NoError(t, os.WriteFile(golden, src, 0o666))
				}
				want, err := os.ReadFile(golden)
				require.NoError(t, err, "no expected output; run go test ./gen/pipeline -run Golden -update")
				require.Equal(t, string(want), string(src), "%s differs from the generated code; run go test ./gen/pipeline -run Golden -update", golden)
			}
			goldens := goldenFiles(t, dir)
			require.Len(t, goldens, len(files), "an expected file names no generated file")
		})
	}
}

// goldenFiles returns the expected generated files of a golden case: the
// flows' and codecs' files and the mains under cmd/.
func goldenFiles(t *testing.T, dir string) []string {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".go.golden") {
			out = append(out, path)
		}
		return err
	})
	require.NoError(t, err)
	return out
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
		dir, err := filepath.Abs(filepath.Join("../testdata", c))
		require.NoError(t, err)
		goldens := goldenFiles(t, dir)
		require.NotEmpty(t, goldens)
		for _, g := range goldens {
			overlay[strings.TrimSuffix(g, ".golden")] = g
			rel, err := filepath.Rel(dir, filepath.Dir(g))
			require.NoError(t, err)
			pkg := "./" + filepath.ToSlash(filepath.Join("gen/testdata", c, rel))
			if !slices.Contains(pkgs, pkg) {
				pkgs = append(pkgs, pkg)
			}
		}
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
