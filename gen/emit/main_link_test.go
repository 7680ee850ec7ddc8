package emit

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRoleMainsDoNotLinkTheInterpreter builds the generated main of a role
// and checks its symbols: the generated nodes run without the reference
// interpreter, its stratification, its analyses or the compiler's view of
// the IR (go/types, go/ast), which the user's package imports (through
// package hydro) but the main never reaches.
func TestRoleMainsDoNotLinkTheInterpreter(t *testing.T) {
	if testing.Short() {
		t.Skip("links a binary")
	}
	bin := filepath.Join(t.TempDir(), "pinger")
	build := exec.Command("go", "build", "-o", bin, "./examples/microbench/pingpong/cmd/pinger")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command("go", "tool", "nm", bin).Output()
	if err != nil {
		t.Fatalf("go tool nm: %v", err)
	}
	syms := string(out)
	if !strings.Contains(syms, "pingpong.(*PingPongPinger).Tick") {
		t.Fatal("the generated node is not in the binary; the test looks at the wrong thing")
	}
	for _, forbidden := range []string{
		"github.com/hydrogo/hydro/hydro.(*Interpreter)",
		"github.com/hydrogo/hydro/hydro.Interpret",
		"github.com/hydrogo/hydro/internal/strata.",
		"github.com/hydrogo/hydro/internal/analysis.",
		"github.com/hydrogo/hydro/hydro/sim.",
		// The compiler's view of the IR: the type checker and the syntax.
		"go/types.",
		"go/ast.",
		"go/parser.",
	} {
		if strings.Contains(syms, forbidden) {
			t.Errorf("the role main links %s", forbidden)
		}
	}
}
