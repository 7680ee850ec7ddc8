package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"golang.org/x/tools/go/packages"

	"github.com/hydrogo/hydro/gen/rewrite"
	"github.com/hydrogo/hydro/internal/diag"
)

// derive reads the rewrite plans of every package (files ending in
// rewrite.PlanExt in its directory) and adds, for each plan, the flow it
// derives from its base flow (see package gen/rewrite). A plan that cannot
// be read, names no flow of its package, or whose step fails adds
// diagnostics instead.
func (p *Program) derive() {
	for _, pkg := range p.Packages {
		for _, path := range planFiles(pkg) {
			src, err := os.ReadFile(path)
			if err != nil {
				p.diags = append(p.diags, diag.Errorf(diag.Pos{File: path}, diag.Rewrite, "reading plan: %v", err))
				continue
			}
			plans, errs := rewrite.ParsePlans(path, src)
			p.diags = append(p.diags, errs...)
			for _, plan := range plans {
				p.deriveOne(pkg, plan)
			}
		}
	}
}

// deriveOne adds the flow plan derives from a flow of pkg.
func (p *Program) deriveOne(pkg *packages.Package, plan *rewrite.Plan) {
	var base *Flow
	for _, f := range p.Flows {
		if f.Pkg == pkg && f.Name == plan.Base {
			base = f
		}
		if f.Pkg == pkg && f.Name == plan.Derived {
			p.diags = append(p.diags, diag.Errorf(plan.Pos, diag.Rewrite, "plan derives %s, which package %s already declares", plan.Derived, pkg.PkgPath))
			return
		}
	}
	switch {
	case base == nil:
		p.diags = append(p.diags, diag.Errorf(plan.Pos, diag.Rewrite, "plan derives %s from %s, which is no flow of package %s", plan.Derived, plan.Base, pkg.PkgPath))
		return
	case !base.OK():
		p.diags = append(p.diags, diag.Errorf(plan.Pos, diag.Rewrite, "plan derives %s from %s, which has errors", plan.Derived, plan.Base))
		return
	}
	g, errs := rewrite.Derive(base.Flow, plan)
	if len(errs) > 0 {
		p.diags = append(p.diags, errs...)
		return
	}
	derived := base.Flow.WithGraph(g)
	derived.Name = plan.Derived
	f := &Flow{Flow: derived, Plan: plan}
	if ds := Check(derived); len(ds) > 0 {
		p.diags = append(p.diags, diag.Errorf(plan.Pos, diag.Rewrite, "internal error: the graph derived by the plan does not verify:\n%v", ds))
		return
	}
	p.Flows = append(p.Flows, f)
}

// planFiles returns the plan files of pkg's directory, sorted.
func planFiles(pkg *packages.Package) []string {
	if len(pkg.GoFiles) == 0 {
		return nil
	}
	paths, err := filepath.Glob(filepath.Join(filepath.Dir(pkg.GoFiles[0]), "*"+rewrite.PlanExt))
	if err != nil {
		panic(fmt.Sprintf("bad plan glob: %v", err)) // only ErrBadPattern, and the pattern is constant
	}
	sort.Strings(paths)
	return paths
}
