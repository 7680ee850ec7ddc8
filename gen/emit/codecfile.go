package emit

import (
	"bytes"
	"fmt"
	"go/format"
)

// CodecFileName is the file, one per package, holding the codecs of the
// types that cross the network.
const CodecFileName = "codecs_hydro.go"

// CodecFile assembles the codec file of package pkgName from the codec
// generator's declarations and the imports they use.
func CodecFile(pkgName string, imports *Imports, decls []byte) ([]byte, error) {
	var file bytes.Buffer
	fmt.Fprintf(&file, "%s\n\n//go:build !hydrogen\n\npackage %s\n\n", Header, pkgName)
	imports.write(&file)
	file.Write(decls)
	src, err := format.Source(file.Bytes())
	if err != nil {
		return nil, fmt.Errorf("internal error: the generated codecs of package %s do not parse: %v", pkgName, err)
	}
	return src, nil
}
