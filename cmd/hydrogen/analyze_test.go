package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestExplainFigure5(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"explain", "../../examples/shopping", "Figure5"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	s := out.String()
	// The final join derives client → class: its function copies the
	// session's client and the class table's class, and the join matched
	// the two clients.
	for _, want := range []string{
		"location server (process)",
		"n7 hydro.Join at figures.go:",
		"fd: Client → Class (declared, derived)",
		"partition key: (Client) of n0 hydro.Source",
		"co-partition: n5.(Client) ↪ n6.(Class) by Client → Class, through n7 hydro.Join",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("explain output lacks %q:\n%s", want, s)
		}
	}
}

func TestCheckWarnsAndExitsZero(t *testing.T) {
	var out, errs bytes.Buffer
	code := run([]string{"check", "../../gen/analyze/testdata/flows"}, &out, &errs)
	if code != 0 {
		t.Fatalf("exit %d, want 0 for warnings: %s", code, errs.String())
	}
	if !strings.Contains(errs.String(), "flows.go:50:") ||
		!strings.Contains(errs.String(), "warning: hydro.FoldKeyed reads a stream that crossed the network at hydro.Send") {
		t.Errorf("no coordination warning for the fold after Send:\n%s", errs.String())
	}
}

func TestCheckRepository(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"check", "../../..."}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
}

func TestCheckErrorsExitOne(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"check", "../../gen/testdata/diagnostics"}, &out, &errs); code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errs.String())
	}
}
