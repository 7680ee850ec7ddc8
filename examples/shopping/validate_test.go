package shopping

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSessionValidate(t *testing.T) {
	valid := []string{
		`{"Client":1,"Items":{"items":{"0":{"Item":"banana","Qty":3,"Checkout":false}}}}`,
		`{"Client":1,"Items":{"items":{"2":{"Item":"","Qty":0,"Checkout":true}},"len":3}}`,
		`{"Client":1,"Items":{"items":{"1":{"Item":"milk","Qty":-1}},"len":3}}`,
	}
	for _, line := range valid {
		var s Session
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", line, err)
		}
	}
	invalid := map[string]string{
		`null`:                           "empty session",
		`{}`:                             "empty session",
		`{"Client":1,"Items":{"len":0}}`: "sealed at length 0",
		`{"Client":1,"Items":{"len":9223372036854775807}}`:                                         "at most 4096",
		`{"Client":1,"Items":{"items":{"5000":{"Item":"x","Qty":1}}}}`:                             "position 5000",
		`{"Client":1,"Items":{"items":{"0":{"Item":"","Qty":1}}}}`:                                 "no item",
		`{"Client":1,"Items":{"items":{"0":{"Item":"x","Qty":0}}}}`:                                "quantity 0",
		`{"Client":1,"Items":{"items":{"0":{"Item":"","Qty":0,"Checkout":true}}}}`:                 "only it",
		`{"Client":1,"Items":{"items":{"0":{"Item":"x","Qty":1}},"len":1}}`:                        "only it",
		`{"Client":1,"Items":{"items":{"0":{"Item":"` + strings.Repeat("x", 300) + `","Qty":1}}}}`: "at most 256",
	}
	for line, want := range invalid {
		var s Session
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: Validate() = %v, want %q", line, err, want)
		}
	}
	var conflicted Session
	conflicted.Items.Seal(2)
	conflicted.Items.Seal(3)
	if err := conflicted.Validate(); err == nil || !strings.Contains(err.Error(), "conflicting") {
		t.Errorf("conflicting session: %v", err)
	}
	// Every session of the sample workload is valid.
	for _, batch := range SessionRequests(NewWorkload(1, 50, 10).Interleave(1, 5)) {
		for _, s := range batch {
			if err := s.Validate(); err != nil {
				t.Fatalf("%v: %v", s, err)
			}
		}
	}
}
