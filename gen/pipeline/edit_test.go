package pipeline

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/internal/ir"
	"github.com/hydrogo/hydro/internal/ops"
)

// moveMap is a pass that moves the flow's Map to a new process "worker"
// through the edit API, inserting the network operators the move needs.
func moveMap(g *ir.Graph) (*ir.Graph, error) {
	c := g.Clone()
	w, err := c.AddLocation("worker", ir.ProcessLoc)
	if err != nil {
		return nil, err
	}
	for _, n := range c.Nodes {
		if n.Spec == ops.Map {
			if _, err := c.MoveAcross(n.ID, w.ID); err != nil {
				return nil, err
			}
			break
		}
	}
	return c, nil
}

// TestMovedOperatorEmitsAndRuns is the IR's acceptance test: it builds the
// graph of gen/testdata/moved, moves its Map to a new location through the
// edit API (MoveAcross inserts a Send on each side), verifies, schedules and
// emits the result, builds the generated package and its per-role mains, and
// runs a test in that package that compares, in the simulator, the outputs
// of the generated nodes with those of the original flow.
func TestMovedOperatorEmitsAndRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the generated code with go test")
	}
	dir, err := os.MkdirTemp("../testdata", "moved-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	dir, err = filepath.Abs(dir)
	require.NoError(t, err)
	src, err := os.ReadFile("../testdata/moved/flows.go")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "flows.go"), src, 0o666))
	driver, err := os.ReadFile("../testdata/moved/driver_test.go.txt")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "driver_test.go"), driver, 0o666))

	p, err := Load(dir, ".")
	require.NoError(t, err)
	f := p.Flow("Words")
	require.NotNil(t, f)
	require.NoError(t, f.Diagnostics.Err())
	original := f.Graph
	require.NoError(t, f.Rewrite(moveMap))
	require.NotSame(t, original, f.Graph)
	require.Len(t, original.Locations, 1, "the pass changed the graph it was given")
	require.Equal(t, `flow Words
loc 0 process "server"
loc 1 process "worker"
0 source @0 in[] string
1 map @1 in[5] moved.Word
2 filter @0 in[6] moved.Word
3 unique @0 in[2] [static] moved.Word
4 sink @0 in[3] moved.Word
5 send @1 in[0] string
6 send @0 in[1] moved.Word
`, f.Graph.String())

	files := p.Generate()
	require.NoError(t, p.Diagnostics().Err())
	var names []string
	for path := range files {
		rel, err := filepath.Rel(dir, path)
		require.NoError(t, err)
		names = append(names, filepath.ToSlash(rel))
	}
	require.ElementsMatch(t, []string{"words_hydro.go", "codecs_hydro.go", "cmd/server/main.go", "cmd/worker/main.go"}, names)
	require.NoError(t, Write(files))
	code := string(files[filepath.Join(dir, "words_hydro.go")])
	require.Contains(t, code, "type WordsWorker struct")
	require.Contains(t, code, "func NewWordsWorker(")

	pkg := "./" + filepath.ToSlash(filepath.Join("gen/testdata", filepath.Base(dir)))
	for _, args := range [][]string{{"vet", pkg + "/..."}, {"test", "-count=1", pkg}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = "../.."
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
	}
}
