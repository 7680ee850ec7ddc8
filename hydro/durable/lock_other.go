//go:build !unix

package durable

import (
	"errors"
	"os"
)

// lockFile is unsupported off Unix.
func lockFile(*os.File) error { return errors.New("locking data directories needs a Unix system") }
