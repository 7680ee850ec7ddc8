// Package diag is the one diagnostic type of every stage of hydrogen and of
// the interpreter's checks: a problem or a warning at a source range, with a
// category, a message that names no position (the position is printed once,
// in front), and an optional suggested fix.
package diag

import (
	"cmp"
	"fmt"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// Pos is a source position. Col is 0 when unknown (the interpreter learns only
// file and line from the call stack).
type Pos struct {
	File string
	Line int
	Col  int
}

// IsValid reports whether the position names a file.
func (p Pos) IsValid() bool { return p.File != "" }

func (p Pos) String() string {
	switch {
	case !p.IsValid():
		return "-"
	case p.Line == 0:
		return p.File
	case p.Col > 0:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	default:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
}

// FromToken converts a go/token position.
func FromToken(p token.Position) Pos { return Pos{File: p.Filename, Line: p.Line, Col: p.Column} }

// ParsePos reads a position printed as "file:line:col", "file:line" or
// "file"; "" and "-" are the zero position.
func ParsePos(s string) Pos {
	if s == "" || s == "-" {
		return Pos{}
	}
	var nums []int
	rest := s
	for range 2 {
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(rest[i+1:])
		if err != nil {
			break
		}
		nums = append([]int{n}, nums...)
		rest = rest[:i]
	}
	p := Pos{File: rest}
	if len(nums) > 0 {
		p.Line = nums[0]
	}
	if len(nums) > 1 {
		p.Col = nums[1]
	}
	return p
}

// Compare orders positions by file, line and column.
func (p Pos) Compare(q Pos) int {
	return cmp.Or(strings.Compare(p.File, q.File), cmp.Compare(p.Line, q.Line), cmp.Compare(p.Col, q.Col))
}

// Severity says whether a diagnostic stops compilation.
type Severity uint8

const (
	// Error diagnostics stop compilation: no code is generated for the flow.
	Error Severity = iota
	// Warning diagnostics are printed; compilation goes on (unless -Werror).
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Categories of diagnostics: the stage or check that reports them.
const (
	// Syntax is a flow body or directive hydrogen cannot read.
	Syntax = "syntax"
	// Types is a type-checking problem of the loaded packages.
	Types = "types"
	// Graph is a problem of a flow's graph: locations, keys, lifetimes,
	// arities, timers, ports.
	Graph = "graph"
	// Verify is a graph a pass returned that breaks the IR's invariants.
	Verify = "verify"
	// Schedule is a graph the scheduler cannot order (a cycle through a
	// blocking input).
	Schedule = "schedule"
	// Codec is a type that cannot cross the network.
	Codec = "codec"
	// Emit is a problem found while generating code.
	Emit = "emit"
	// Coordination is a place where the network's order or retries can change
	// a flow's output.
	Coordination = "coordination"
	// Rewrite is a rewrite plan hydrogen cannot read, or a step whose
	// precondition fails.
	Rewrite = "rewrite"
)

// Edit replaces the source between Pos and End with NewText.
type Edit struct {
	Pos, End Pos
	NewText  string
}

// Fix is a suggested change that resolves a diagnostic.
type Fix struct {
	Message string
	Edits   []Edit
}

// Diagnostic is one problem or warning.
type Diagnostic struct {
	// Pos and End delimit the source the diagnostic is about; End may be
	// zero.
	Pos, End Pos
	Severity Severity
	// Category is one of the constants of this package.
	Category string
	// Message says what is wrong, without a position.
	Message string
	// Fix is an optional suggested fix.
	Fix *Fix
}

// Errorf returns an error diagnostic of category cat at pos.
func Errorf(pos Pos, cat, format string, args ...any) *Diagnostic {
	return &Diagnostic{Pos: pos, Category: cat, Message: fmt.Sprintf(format, args...)}
}

// Warningf returns a warning diagnostic of category cat at pos.
func Warningf(pos Pos, cat, format string, args ...any) *Diagnostic {
	return &Diagnostic{Pos: pos, Severity: Warning, Category: cat, Message: fmt.Sprintf(format, args...)}
}

// String prints the diagnostic as "file:line:col: message", with
// "warning: " before the message of a warning.
func (d *Diagnostic) String() string {
	var b strings.Builder
	if d.Pos.IsValid() {
		b.WriteString(d.Pos.String())
		b.WriteString(": ")
	}
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Message)
	if d.Fix != nil && d.Fix.Message != "" {
		b.WriteString(" (fix: ")
		b.WriteString(d.Fix.Message)
		b.WriteString(")")
	}
	return b.String()
}

// Error makes a diagnostic an error value.
func (d *Diagnostic) Error() string { return d.String() }

// List is a list of diagnostics. As an error it prints one per line.
type List []*Diagnostic

func (l List) Error() string {
	parts := make([]string, len(l))
	for i, d := range l {
		parts[i] = d.String()
	}
	return strings.Join(parts, "\n")
}

// Sort orders the list by position, then message, and drops exact
// duplicates.
func (l *List) Sort() {
	slices.SortStableFunc(*l, func(a, b *Diagnostic) int {
		return cmp.Or(a.Pos.Compare(b.Pos), strings.Compare(a.Message, b.Message), cmp.Compare(a.Severity, b.Severity))
	})
	*l = slices.CompactFunc(*l, func(a, b *Diagnostic) bool {
		return a.Pos == b.Pos && a.Message == b.Message && a.Severity == b.Severity
	})
}

// HasErrors reports whether some diagnostic of l is an error.
func (l List) HasErrors() bool {
	return slices.ContainsFunc(l, func(d *Diagnostic) bool { return d.Severity == Error })
}

// Errors returns the errors of l.
func (l List) Errors() List {
	return slices.DeleteFunc(slices.Clone(l), func(d *Diagnostic) bool { return d.Severity != Error })
}

// Warnings returns the warnings of l.
func (l List) Warnings() List {
	return slices.DeleteFunc(slices.Clone(l), func(d *Diagnostic) bool { return d.Severity != Warning })
}

// Err returns l's errors as an error, or nil when it has none.
func (l List) Err() error {
	if errs := l.Errors(); len(errs) > 0 {
		return errs
	}
	return nil
}
