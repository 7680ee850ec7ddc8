package main

// "hydrogen manifests" writes the Kubernetes manifests and the compose file
// of one flow of a package with per-role mains. See docs/deploy.md.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hydrogo/hydro/hydro/deploy/manifest"
)

const manifestsUsage = "usage: hydrogen manifests [-flow NAME] [-n role=count,...] [-app NAME] [-image-prefix PREFIX] [-tag TAG] -o DIR <package> [-- node flags...]"

// manifestsCmd is "hydrogen manifests": 0 on success, 1 on failure, 2 for a
// usage error.
func manifestsCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hydrogen manifests", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("o", "", "the `DIR`ectory to write k8s.yaml, compose.yaml and config/ into")
	app := fs.String("app", "", "the deployment's `NAME` (default: the package's directory name)")
	prefix := fs.String("image-prefix", "hydro-", "container images are `PREFIX`ROLE:TAG")
	tag := fs.String("tag", "latest", "the images' `TAG`")
	// The flags hydrogen run shares.
	var runArgs []string
	for _, name := range []string{"flow", "n"} {
		fs.Func(name, "as for hydrogen run", func(v string) error { runArgs = append(runArgs, "-"+name, v); return nil })
	}
	fail := func(err error) int {
		for line := range strings.SplitSeq(err.Error(), "\n") {
			fmt.Fprintf(stderr, "hydrogen manifests: %s\n", line)
		}
		if ue := (*runUsageError)(nil); errors.As(err, &ue) {
			fmt.Fprintln(stderr, manifestsUsage)
			return 2
		}
		return 1
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, manifestsUsage)
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return 0
		}
		return fail(&runUsageError{err.Error()})
	}
	if *out == "" {
		return fail(runUsagef("no output directory: give -o DIR"))
	}
	cfg, err := parseRunArgs(append(runArgs, fs.Args()...), stderr)
	if err != nil {
		return fail(err)
	}
	p, err := plan(cfg)
	if err != nil {
		return fail(err)
	}
	d := manifest.Deployment{
		App:   *app,
		Flow:  p.flow,
		Image: func(role string) string { return *prefix + role + ":" + *tag },
		Files: map[string]string{},
	}
	if d.App == "" {
		d.App = strings.ToLower(filepath.Base(p.dir))
	}
	for _, r := range p.roles {
		args, err := mountFiles(p.dir, r.args, d.Files)
		if err != nil {
			return fail(err)
		}
		d.Roles = append(d.Roles, manifest.Role{Name: r.loc.Name, Members: r.members, Args: args})
	}
	k8s, err := manifest.Kubernetes(d)
	if err != nil {
		return fail(err)
	}
	compose, err := manifest.Compose(d)
	if err != nil {
		return fail(err)
	}
	files := map[string][]byte{"k8s.yaml": k8s, "compose.yaml": compose}
	for key, content := range d.Files {
		files[filepath.Join("config", key)] = []byte(content)
	}
	for name, content := range files {
		path := filepath.Join(*out, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fail(err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return fail(err)
		}
	}
	fmt.Fprintf(stdout, "wrote %s/k8s.yaml, %s/compose.yaml and %d config file(s); certificates: hydrogen certs -o %s/certs%s\n",
		*out, *out, len(d.Files), *out, certsRoles(p))
	return 0
}

// certsRoles returns the role=count arguments of hydrogen certs for p.
func certsRoles(p *runPlan) string {
	var b strings.Builder
	for _, r := range p.roles {
		fmt.Fprintf(&b, " %s=%d", r.loc.Name, r.members)
	}
	return b.String()
}

// mountFiles rewrites the file arguments of node flags (-param.NAME @PATH
// and -in.NAME.file PATH, relative to dir) to the files' place in the
// container, adding their content to files under their base name.
func mountFiles(dir string, args []string, files map[string]string) ([]string, error) {
	out := make([]string, 0, len(args))
	rewrite := func(flagName, value string) (string, error) {
		isParam := strings.HasPrefix(flagName, "param.")
		isInput := strings.HasPrefix(flagName, "in.") && strings.HasSuffix(flagName, ".file")
		path, isFile := strings.CutPrefix(value, "@")
		switch {
		case isParam && isFile:
		case isInput && value != "-":
			path = value
		default:
			return value, nil
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		content, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("node flag -%s: %w", flagName, err)
		}
		key := filepath.Base(path)
		if prev, ok := files[key]; ok && prev != string(content) {
			return "", fmt.Errorf("node flag -%s: two different files are named %s", flagName, key)
		}
		files[key] = string(content)
		if isParam {
			return "@" + manifest.ConfigPath(key), nil
		}
		return manifest.ConfigPath(key), nil
	}
	for i := 0; i < len(args); i++ {
		name := strings.TrimLeft(args[i], "-")
		if n, v, ok := strings.Cut(name, "="); ok {
			v, err := rewrite(n, v)
			if err != nil {
				return nil, err
			}
			out = append(out, "-"+n+"="+v)
			continue
		}
		out = append(out, args[i])
		takesValue := strings.HasPrefix(name, "param.") || strings.HasPrefix(name, "in.") || name == "log-level"
		if takesValue && i+1 < len(args) {
			i++
			v, err := rewrite(name, args[i])
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	}
	return out, nil
}
