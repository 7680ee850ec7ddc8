package parse

import (
	"go/ast"
	"go/types"

	"github.com/hydrogo/hydro/internal/ir"
)

// Syntax is what the compiler knows of an operator call beyond what the
// interpreter records; gen/parse keeps it in ir.Node.Syntax.
type Syntax struct {
	// Call is the operator call.
	Call *ast.CallExpr
	// UDFs are the user functions passed to the operator, in argument order.
	UDFs []*UDF
	// Keys are the key fields of keyed operators, one per keyed input, when
	// they come from tags.
	Keys []*Key
	// Param is the Input or Output parameter a Source or Sink uses.
	Param *Param
	// Expr is the items expression of Iter or the period of Timer.
	Expr ast.Expr
	// ExprCaptures are the flow parameters Expr refers to.
	ExprCaptures []*Param

	// Part is, for a network operator sending into a location a
	// partitioning rewrite partitioned, the fields of the item whose
	// encodings' xxhash selects the partition (hydro.Dest.Part). Nil with
	// PartExpr nil routes by the hash of the item's whole encoding (the
	// receiver combines nothing by key).
	Part *Key
	// PartExpr, when set, is the partition key instead: a pure expression
	// of the item, named PartParam in it, that a user function of the
	// partitioned location computes (a dependency the rewrite routes
	// through, paper 002 §4.2); the sender evaluates it and hashes the
	// result's encoding.
	PartExpr  ast.Expr
	PartParam *types.Var
	// Replicated, for a network operator sending into a partitioned
	// location, sends every item to every partition of every member it
	// addresses (partial partitioning replicates the stream).
	Replicated bool
	// OwnMember, for SelfID at a partitioned location, emits the
	// partition's own member number rather than its base member's.
	OwnMember bool
	// FixedPart, for a network operator sending into a partitioned
	// location, sends every item to partition 0 of every member it
	// addresses (hydro.Dest.Part 0, no hash): partial partitioning fed by a
	// cluster routes the replicated updates to each member's coordinator.
	FixedPart bool
	// AllParts, for a network operator sending into a partitioned location,
	// sends every item to every partition of every member it addresses
	// (hydro.Dest.AllParts).
	AllParts bool
	// OwnBase, for a network operator from a partitioned location to
	// itself, addresses the sender's own base member (its member number
	// divided by the location's partitions): a member's coordinator and its
	// partitions talk among themselves.
	OwnBase bool
}

// SyntaxOf returns what the compiler knows of n's call: empty for a node
// that a pass added or the interpreter built.
func SyntaxOf(n *ir.Node) *Syntax {
	if s, ok := n.Syntax.(*Syntax); ok {
		return s
	}
	return &Syntax{}
}

// goType is a go/types type as the IR carries it.
type goType struct{ t types.Type }

func (t goType) Identical(u ir.CompilerType) bool {
	v, ok := u.(goType)
	return ok && types.Identical(t.t, v.t)
}

// GoType returns the IR's descriptor of a go/types type.
func GoType(t types.Type) ir.Type { return ir.Type{Name: TypeName(t), Go: goType{t}} }

// Go returns the go/types type of an element type of a graph the compiler
// built, or nil.
func Go(t ir.Type) types.Type {
	if g, ok := t.Go.(goType); ok {
		return g.t
	}
	return nil
}

// TypeName writes t as the interpreter names it (reflect's String form:
// package names, not paths).
func TypeName(t types.Type) string {
	return types.TypeString(t, func(pk *types.Package) string { return pk.Name() })
}

// ParamKind classifies a flow parameter.
type ParamKind uint8

const (
	// OtherParam is a configuration value closures may capture.
	OtherParam ParamKind = iota
	// InputParam is a hydro.Input[T].
	InputParam
	// OutputParam is a hydro.Output[T].
	OutputParam
)

// Param is a parameter of a flow function after its *hydro.Flow.
type Param struct {
	Name string
	Type types.Type
	Kind ParamKind
	Obj  *types.Var
	// Port is the IR's port of an Input or Output parameter, nil for others.
	Port *ir.Port
}

// irPort returns p's port in the IR, nil for a nil p.
func (p *Param) irPort() *ir.Port {
	if p == nil {
		return nil
	}
	return p.Port
}

// UDF is a user function passed to an operator: a function literal or a
// named package-level function, or, in graphs a rewrite derived, a
// function the compiler writes (Gen).
type UDF struct {
	// Lit is the function literal, or nil.
	Lit *ast.FuncLit
	// Func is the named function, or nil.
	Func *types.Func
	// Expr is the argument as written.
	Expr ast.Expr
	// Sig is the function's type.
	Sig *types.Signature
	// Captures are the flow parameters the literal refers to.
	Captures []*Param
	// Gen, for a function a rewrite adds, writes it as a Go function
	// literal; Lit and Func are nil. Calls are the user functions the
	// literal calls through Writer.Call: the function is pure if they are.
	Gen   func(w Writer) string
	Calls []*UDF
}

// A Writer is what a compiler-written function (UDF.Gen) needs of the file
// it is written into.
type Writer interface {
	// Type spells t as the file refers to it, importing its packages.
	Type(t types.Type) string
	// Call returns the expression calling user function u.
	Call(u *UDF) string
}

// Key is the key of an element type, from its hydro:"key" tags.
type Key struct {
	// Elem is the element type.
	Elem types.Type
	// Fields are the key fields in declaration order.
	Fields []*types.Var
}
