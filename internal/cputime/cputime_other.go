//go:build !unix

package cputime

import "time"

// Available reports whether Process measures anything on this system.
const Available = false

func process() time.Duration { return 0 }
