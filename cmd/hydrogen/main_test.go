package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestWarningsExitZeroUnlessWerror checks the exit status of hydrogen check
// over a package whose only findings are warnings.
func TestWarningsExitZeroUnlessWerror(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"check", "../../examples/hashset"}, &out, &errs); code != 0 {
		t.Fatalf("check exited %d:\n%s", code, errs.String())
	}
	if !strings.Contains(errs.String(), ": warning: ") {
		t.Fatalf("no warning printed:\n%s", errs.String())
	}
	errs.Reset()
	if code := run([]string{"check", "-Werror", "../../examples/hashset"}, &out, &errs); code != 1 {
		t.Fatalf("check -Werror exited %d:\n%s", code, errs.String())
	}
}

// TestErrorsExitOne checks that problems in flows make hydrogen exit 1 and
// are printed once each.
func TestErrorsExitOne(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"check", "../../gen/testdata/diagnostics"}, &out, &errs); code != 1 {
		t.Fatalf("check exited %d", code)
	}
	lines := strings.Split(strings.TrimSpace(errs.String()), "\n")
	seen := map[string]bool{}
	for _, l := range lines {
		if seen[l] {
			t.Errorf("printed twice: %s", l)
		}
		seen[l] = true
	}
}
