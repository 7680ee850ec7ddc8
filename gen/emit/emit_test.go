package emit_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hydrogo/hydro/gen/codec"
	"github.com/hydrogo/hydro/gen/emit"
	"github.com/hydrogo/hydro/gen/load"
	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/gen/schedule"
)

// TestFlowsMatchGoldens runs the emitter alone, on graphs the parser built
// and schedules computed here, over the golden cases of gen/testdata, and
// compares each flow's file with its golden (gen/pipeline's tests cover the
// whole pipeline and rewrite the goldens).
func TestFlowsMatchGoldens(t *testing.T) {
	for _, c := range []string{"pipeline", "joinfold", "cycle", "negation", "network"} {
		t.Run(c, func(t *testing.T) {
			dir, err := filepath.Abs(filepath.Join("../testdata", c))
			if err != nil {
				t.Fatal(err)
			}
			res, err := load.Packages(dir, ".")
			if err != nil {
				t.Fatal(err)
			}
			parsed := parse.Packages(res.Fset, res.Packages)
			if errs := parsed.All(); len(errs) > 0 {
				t.Fatal(errs)
			}
			pkg := res.Packages[0]
			codecs := codec.New(pkg.Types, emit.NewImports(pkg.PkgPath).Qualify)
			network := false
			for _, f := range parsed.Flows {
				network = network || parse.UsesNetwork(f)
			}
			for _, f := range parsed.Flows {
				var scheds []*schedule.Schedule
				for loc := range f.Graph.Locations {
					s, err := schedule.Compute(f.Graph, loc)
					if err != nil {
						t.Fatal(err)
					}
					scheds = append(scheds, s)
				}
				src, ds := emit.Flow(f, scheds, codecs, network)
				if len(ds) > 0 {
					t.Fatalf("%s: %v", f.Name, ds)
				}
				want, err := os.ReadFile(filepath.Join(dir, emit.FileName(f.Name)+".golden"))
				if err != nil {
					t.Fatal(err)
				}
				if string(src) != string(want) {
					t.Errorf("%s: the emitted file differs from its golden; run go test ./gen/pipeline -run Golden -update if the change is intended", f.Name)
				}
			}
		})
	}
}

// TestFlowRejectsSchedulesOfAnotherGraph checks that Flow emits only from
// the schedules of the graph it is given.
func TestFlowRejectsSchedulesOfAnotherGraph(t *testing.T) {
	dir, _ := filepath.Abs("../testdata/pipeline")
	res, err := load.Packages(dir, ".")
	if err != nil {
		t.Fatal(err)
	}
	parsed := parse.Packages(res.Fset, res.Packages)
	f := parsed.Flows[0]
	s, err := schedule.Compute(f.Graph.Clone(), 0)
	if err != nil {
		t.Fatal(err)
	}
	codecs := codec.New(res.Packages[0].Types, emit.NewImports(res.Packages[0].PkgPath).Qualify)
	if _, ds := emit.Flow(f, []*schedule.Schedule{s}, codecs, false); len(ds) == 0 {
		t.Error("a schedule of another graph was accepted")
	}
	if _, ds := emit.Flow(f, nil, codecs, false); len(ds) == 0 {
		t.Error("missing schedules were accepted")
	}
}
