package lattices

import (
	"fmt"
	"slices"
	"strings"
)

// formatSet formats the elements yielded by each in a deterministic order,
// sorted by their formatted text, between open and close.
func formatSet(open, close string, each func(yield func(string))) string {
	var parts []string
	each(func(s string) { parts = append(parts, s) })
	slices.Sort(parts)
	return open + strings.Join(parts, ", ") + close
}

// formatEntry formats a key and a value as "k: v".
func formatEntry(k, v any) string {
	return fmt.Sprintf("%v: %v", k, v)
}
