package emit

import (
	"bytes"
	"fmt"
	"go/format"
	"go/types"
	"path"
	"sort"
	"strings"

	"github.com/hydrogo/hydro/gen/parse"
	"github.com/hydrogo/hydro/internal/diag"
)

// MainDir returns the directory, relative to a flow's package, of the main
// package of role.
func MainDir(role string) string { return path.Join("cmd", role) }

// Mains generates one main package per role of a package's flows: for every
// location name used by a flow, cmd/<role>/main.go, which runs that location
// of any of the flows through package hydro/deploy (the flow is chosen with
// -flow). It returns the sources by path relative to the package directory.
//
// A flow whose parameters cannot be given on the command line (a function,
// channel or interface value) or whose ports' items cannot cross the network
// is left out of the mains; the generated file lists it with the reason.
func Mains(pkgPath, pkgName string, flows []*parse.Flow, codecs Codecs) (map[string][]byte, diag.List) {
	var errs diag.List
	roles := map[string][]*parse.Flow{}
	skipped := map[string][]string{}
	for _, f := range flows {
		reason := mainless(f, codecs)
		for _, l := range f.Graph.Locations {
			if !validRole(l.Name) {
				errs = append(errs, diag.Errorf(l.Pos, diag.Emit, "location name %q cannot name a main package directory cmd/%s; use letters, digits, '-' and '_'", l.Name, l.Name))
				continue
			}
			if reason != "" {
				skipped[l.Name] = append(skipped[l.Name], fmt.Sprintf("%s: %s", f.Name, reason))
				continue
			}
			roles[l.Name] = append(roles[l.Name], f)
		}
	}
	out := map[string][]byte{}
	names := make([]string, 0, len(roles))
	for r := range roles {
		names = append(names, r)
	}
	sort.Strings(names)
	for _, role := range names {
		src, err := mainFile(pkgPath, pkgName, role, roles[role], skipped[role])
		if err != nil {
			errs = append(errs, diag.Errorf(diag.Pos{File: roles[role][0].File}, diag.Emit, "%v", err))
			continue
		}
		out[path.Join(MainDir(role), "main.go")] = src
	}
	errs.Sort()
	return out, errs
}

// validRole reports whether a location name can name a directory.
func validRole(name string) bool {
	if name == "" || name == "." || name == ".." {
		return false
	}
	for _, r := range name {
		ok := r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !ok {
			return false
		}
	}
	return true
}

// mainless returns why flow f cannot run from a generated main, or "".
func mainless(f *parse.Flow, codecs Codecs) string {
	for _, p := range f.Params {
		switch p.Kind {
		case parse.InputParam, parse.OutputParam:
			elem := p.Type.(*types.Named).TypeArgs().At(0)
			if _, _, err := codecs.Need(elem); err != nil {
				return fmt.Sprintf("port %s: %v", p.Name, err)
			}
		default:
			switch p.Type.Underlying().(type) {
			case *types.Signature, *types.Chan, *types.Interface:
				return fmt.Sprintf("parameter %s of type %s cannot be given as JSON", p.Name, p.Type)
			}
		}
	}
	return ""
}

func mainFile(pkgPath, pkgName, role string, flows []*parse.Flow, skipped []string) ([]byte, error) {
	imp := NewImports("") // package main: every package is imported
	user := imp.Add(pkgName, pkgPath)
	hydro := imp.Add("hydro", hydroPath)
	deploy := imp.Add("deploy", hydroPath+"/deploy")
	qualify := imp.Qualify
	sort.Slice(flows, func(i, j int) bool { return flows[i].Name < flows[j].Name })
	var body bytes.Buffer
	fmt.Fprintf(&body, "func main() {\n\t%s.Main(%s.Role{\n\t\tName: %q,\n\t\tFlows: map[string]%s.Builder{\n", deploy, deploy, role, deploy)
	for _, f := range flows {
		fmt.Fprintf(&body, "\t\t\t%q: build%s,\n", f.Name, f.Name)
	}
	body.WriteString("\t\t},\n\t})\n}\n")
	reserved := map[string]bool{"env": true, "err": true, "nd": true, user: true, hydro: true, deploy: true}
	for _, f := range flows {
		loc, _ := parse.LocationByName(f, role)
		used := map[*parse.Param]bool{}
		for _, p := range parse.ParamsAt(f, loc) {
			used[p] = true
		}
		fmt.Fprintf(&body, "\n// build%s builds location %q of flow %s.\nfunc build%s(env *%s.Env) (%s.NetNode, error) {\n", f.Name, role, f.Name, f.Name, deploy, hydro)
		// The types a parameter is read or zeroed as, computed first so that
		// every package the file imports is known before naming variables.
		typeOf := map[*parse.Param]string{}
		for _, p := range f.Params {
			if !used[p] || p.Kind != parse.InputParam && p.Kind != parse.OutputParam {
				typeOf[p] = types.TypeString(p.Type, qualify)
			}
		}
		for name := range imp.byName {
			reserved[name] = true
		}
		var args []string
		for _, p := range f.Params {
			t := typeOf[p]
			switch {
			case !used[p]:
				args = append(args, zeroValue(p.Type, t))
			case p.Kind == parse.InputParam:
				args = append(args, fmt.Sprintf("%s.Input(env, %s.%s())", deploy, user, PortFunc(f.Name, p.Name)))
			case p.Kind == parse.OutputParam:
				args = append(args, fmt.Sprintf("%s.Output(env, %s.%s())", deploy, user, PortFunc(f.Name, p.Name)))
			default:
				v := p.Name
				if reserved[v] {
					v += "Param"
				}
				fmt.Fprintf(&body, "\t%s, err := %s.Param[%s](env, %q)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n", v, deploy, t, p.Name)
				args = append(args, v)
			}
		}
		fmt.Fprintf(&body, "\treturn %s.New%s%s(%s), nil\n}\n", user, f.Name, exported(role), strings.Join(args, ", "))
	}
	var file bytes.Buffer
	fmt.Fprintf(&file, "%s\n\n//go:build !hydrogen\n\n// Command %s runs location %q of the flows of package %s", Header, role, role, pkgName)
	names := make([]string, len(flows))
	for i, f := range flows {
		names[i] = f.Name
	}
	fmt.Fprintf(&file, " (%s), chosen with -flow; see docs/deploy.md for its flags.\n", strings.Join(names, ", "))
	if len(skipped) > 0 {
		sort.Strings(skipped)
		file.WriteString("//\n// Left out, as they cannot run from a main:\n")
		for _, s := range skipped {
			fmt.Fprintf(&file, "//   - %s\n", s)
		}
	}
	file.WriteString("package main\n\n")
	imp.write(&file)
	file.Write(body.Bytes())
	src, err := format.Source(file.Bytes())
	if err != nil {
		return nil, fmt.Errorf("internal error: the main of role %s does not parse: %v", role, err)
	}
	return src, nil
}

// zeroValue returns the zero value of t, written as s, as an expression.
func zeroValue(t types.Type, s string) string {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return "false"
		case u.Info()&types.IsString != 0:
			return `""`
		case u.Info()&types.IsNumeric != 0:
			return s + "(0)"
		}
	case *types.Struct, *types.Array:
		return s + "{}"
	}
	return "*new(" + s + ")"
}
