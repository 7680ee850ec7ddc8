// Package moved is the flow that gen/pipeline's edit test rewrites: it moves
// the Map to a new location through the IR's edit API and checks that the
// emitted code gives the outputs of the original.
package moved

import (
	"strings"

	"github.com/hydrogo/hydro/hydro"
)

// Word is a word and its length.
type Word struct {
	Text string `hydro:"key"`
	Len  int
}

// Words splits nothing and keeps long words: it lower-cases each line into a
// Word, drops the short ones and keeps the distinct ones across ticks.
//
//hydro:flow
func Words(f *hydro.Flow, in hydro.Input[string], min int, out hydro.Output[Word]) {
	p := f.Process("server")
	words := hydro.Map(hydro.Source(p, in), func(s string) Word {
		t := strings.ToLower(strings.TrimSpace(s))
		return Word{Text: t, Len: len(t)}
	})
	long := hydro.Filter(words, func(w Word) bool { return w.Len >= min })
	hydro.Sink(hydro.Unique(long, hydro.Static), out)
}
