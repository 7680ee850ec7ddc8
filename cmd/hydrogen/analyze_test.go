package main

import (
	"bytes"
	"os"
	"path/filepath"
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

// TestExplainListsRewritesPerLocation checks that explain says, for the
// variables of Voting's leader, which rewrites apply and why the others do
// not, positioned at the operator that breaks them.
func TestExplainListsRewritesPerLocation(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"explain", "../../examples/voting", "Voting"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	s := out.String()
	for _, want := range []string{
		"rewrites (decoupling one variable's operators to a new location):\n  location leader\n",
		"    ballots:\n      asymmetric: no: voting.go:86:28: hydro.Broadcast (bound to ballots) reads the output of hydro.AntiJoin (",
		"      functional: applies\n",
		"    fresh:\n      asymmetric: no: voting.go:84:25: hydro.AntiJoin (bound to fresh) makes the component non-monotone: negation",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("explain output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "location client\n") {
		t.Errorf("explain proposes rewrites at the client, which is outside them:\n%s", s)
	}
}

// TestExplainShowsThePlan checks that explaining a derived flow shows
// every step of its plan, its precondition and the facts it used.
func TestExplainShowsThePlan(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"explain", "../../examples/voting", "ScalableVoting"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	s := out.String()
	for _, want := range []string{
		"plan ScalableVoting (",
		"step 1 (", "): decouple functional ballots to broadcaster\n",
		"    precondition: every operator of C2 is functional",
		"    fact: n16 hydro.Broadcast (voting.go:86:28): functional: yes",
		"step 2 (", "): decouple asymmetric voted,full,decided to collector\n",
		"    fact: n23 hydro.MergeKeyed (voting.go:95:55): monotone: yes",
		"    fact: n14 hydro.AntiJoin (voting.go:84:25): keeps what it reads of n27 hydro.Unique (voting.go:96:25) on its negative (static)\n",
		"    applies\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("explain output lacks %q:\n%s", want, s)
		}
	}
}

// TestExplainRefusedPlan explains a plan file whose second step is
// refused: explain shows the first step applied, the second refused at the
// operator that breaks it, and exits 1.
func TestExplainRefusedPlan(t *testing.T) {
	plan := filepath.Join(t.TempDir(), "p.hydroplan")
	src := "derive V2 from Voting\ndecouple monotonic ballots to broadcaster\ndecouple monotonic full to tallier\n"
	if err := os.WriteFile(plan, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if code := run([]string{"explain", "-plan", plan, "../../examples/voting", "Voting"}, &out, &errs); code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errs.String())
	}
	s := out.String()
	for _, want := range []string{
		"p.hydroplan:2:1): decouple monotonic ballots to broadcaster\n    decouples from: leader\n",
		"    applies\n",
		"p.hydroplan:3:1): decouple monotonic full to tallier\n",
		"    refused: ", "voting.go:96:36: decouple monotonic full to tallier: hydro.Join reads the output of hydro.Unique (",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("explain output lacks %q:\n%s", want, s)
		}
	}
}

// TestExplainWalkThrough explains the plan that derives Figure 8 from
// Figure 2: every step shows its precondition, what it found and did, and
// that it applied.
func TestExplainWalkThrough(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"explain", "-plan", "../../examples/shopping/walk.hydroplan", "../../examples/shopping", "Figure8Derived"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d, want 0: %s", code, errs.String())
	}
	s := out.String()
	for _, want := range []string{
		"): upgrade ssiv carts until Checkout\n    precondition: the fold appends each item",
		"): pushdown carts\n",
		"): cut before carts to server as client resend 50ms\n",
		"): replicate server gossip 50ms\n    precondition: every operator of the process is monotone",
		"    fact: \"server\" becomes a cluster; n16 hydro.Send, sent to it, broadcast to every replica\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("explain output lacks %q:\n%s", want, s)
		}
	}
	if n := strings.Count(s, "    applies\n"); n != 4 {
		t.Errorf("%d steps applied, want 4:\n%s", n, s)
	}
}

// TestExplainSealingStep explains RSetSnapshotPartitioned, whose plan
// partitions the replicas with sealing: explain shows the step, its
// precondition, and the facts it used — the routing of the commands, the
// trigger sent to every partition, and the batch field with its fold.
func TestExplainSealingStep(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"explain", "../../examples/rset", "RSetSnapshotPartitioned"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	s := out.String()
	for _, want := range []string{
		"plan RSetSnapshotPartitioned (",
		"step 1 (", "): partition replica into 2 sealing taken forgetting after 2s keeping 16\n",
		"    partitions: replica\n",
		"    precondition: the named stream is one hydro.Send, hydro.Broadcast or hydro.DemuxBy (whose pure function chooses the receiver from fields the trigger fills) from the location",
		"hydro.Broadcast (snapshot.go:40:29): routes by the hash of the whole item",
		"hydro.Broadcast (snapshot.go:43:28): the trigger, sent to every partition (replicated)\n",
		"hydro.Send (snapshot.go:52:21), bound to taken, carries the batch lattices.SetUnion[uint64]: field IDs is the value of ",
		"\"leader\" merges the parts per identity and releases the item once it holds all 2 seals\n",
		"\"leader\" forgets an incomplete identity 2s after its first part arrived (between 0.9 and 1.1 times that, by a timer of a tenth of it) and carries at most 16, evicting those whose first part arrived earliest",
		"    applies\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("explain output lacks %q:\n%s", want, s)
		}
	}
}
