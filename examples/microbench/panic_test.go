package microbench

import (
	"bufio"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro"
)

// TestPanicNamesFlowLine makes a closure of flow Checked panic in generated
// code and checks that the stack trace points at the closure's line in
// operators.go (through the //line directives), not at checked_hydro.go.
func TestPanicNamesFlowLine(t *testing.T) {
	line := 0
	f, err := os.Open("operators.go")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), `panic("negative item")`) {
			line = n
		}
	}
	require.NotZero(t, line)

	in, out := hydro.NewInput[int]("in"), hydro.NewOutput[int]("out")
	nd := NewCheckedBench(in, out)
	in.Push(1, -1)
	var stack string
	func() {
		defer func() {
			r := recover()
			require.Equal(t, "negative item", r)
			stack = string(debug.Stack())
		}()
		nd.Tick()
	}()
	require.Contains(t, stack, fmt.Sprintf("operators.go:%d", line), "stack:\n%s", stack)
}
