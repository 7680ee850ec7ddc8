package diag

import (
	"testing"
)

func TestParsePos(t *testing.T) {
	for in, want := range map[string]Pos{
		"":                  {},
		"-":                 {},
		"a/b.go:3:7":        {File: "a/b.go", Line: 3, Col: 7},
		"a/b.go:3":          {File: "a/b.go", Line: 3},
		"a/b.go":            {File: "a/b.go"},
		`C:\x\b.go:12:1`:    {File: `C:\x\b.go`, Line: 12, Col: 1},
		"dir/with:colon.go": {File: "dir/with:colon.go"},
	} {
		if got := ParsePos(in); got != want {
			t.Errorf("ParsePos(%q) = %#v, want %#v", in, got, want)
		}
	}
}

func TestSortOrdersAndDropsRepeats(t *testing.T) {
	a := Pos{File: "a.go", Line: 2, Col: 1}
	b := Pos{File: "a.go", Line: 10, Col: 1}
	l := List{
		Errorf(b, Graph, "second"),
		Warningf(a, "order", "a warning"),
		Errorf(a, Graph, "first"),
		Errorf(b, Graph, "second"),
	}
	l.Sort()
	want := "a.go:2:1: warning: a warning\na.go:2:1: first\na.go:10:1: second"
	if got := l.Error(); got != want {
		t.Errorf("sorted list:\n%s\nwant:\n%s", got, want)
	}
	if !l.HasErrors() || len(l.Errors()) != 2 || len(l.Warnings()) != 1 {
		t.Errorf("errors %d, warnings %d", len(l.Errors()), len(l.Warnings()))
	}
	if List(l.Warnings()).Err() != nil {
		t.Error("a list of warnings is an error")
	}
}

func TestStringPrintsThePositionOnce(t *testing.T) {
	d := Errorf(Pos{File: "f.go", Line: 3, Col: 4}, Emit, "bad")
	d.Fix = &Fix{Message: "do this"}
	if got := d.String(); got != "f.go:3:4: bad (fix: do this)" {
		t.Errorf("got %q", got)
	}
	if got := Errorf(Pos{}, Emit, "no place").String(); got != "no place" {
		t.Errorf("got %q", got)
	}
}
