package asynccheck

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"
)

// checkAwait reports the calls of async.Await whose Co cannot be the
// coroutine's that runs the call: nil, or a Co that a function literal
// captured from outside when that literal runs apart from the function
// that owns the Co:
//
//   - the function of another coroutine (a literal passed to async.Go),
//     which has a Co of its own;
//   - a goroutine (go func() { ... }()), which no coroutine runs;
//   - a function given to async.SpawnBlocking, which a pool's goroutine
//     runs.
//
// A Co that is a parameter or a local variable of the innermost function
// around the call, or that a literal captured without crossing one of
// those (a closure the coroutine calls itself), is never reported: what
// such code does with it cannot be told from its syntax.
func (c *checker) checkAwait() {
	for cur := range c.root.Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		if len(call.Args) != 2 || !c.calls(call, asyncPath, "Await") {
			continue
		}
		arg := ast.Unparen(call.Args[0])
		if c.pass.TypesInfo.Types[arg].IsNil() {
			c.reportf(arg, "Await outside a coroutine: "+
				"await in the function passed to async.Go, with its co")
			continue
		}
		id, ok := arg.(*ast.Ident)
		if !ok {
			continue
		}
		co, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
		if !ok || co.Parent() == nil || co.Parent() == co.Pkg().Scope() {
			continue
		}
		if msg := c.foreignCo(cur, co); msg != "" {
			c.reportf(arg, "%s", msg)
		}
	}
}

// foreignCo walks out from the call at at through the functions around
// it, up to the one that declares co, and returns what is wrong if one of
// them runs apart from it; "" if none does, or if that cannot be told.
func (c *checker) foreignCo(at inspector.Cursor, co *types.Var) string {
	for fn := range at.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		n := fn.Node()
		if n.Pos() <= co.Pos() && co.Pos() < n.End() {
			return "" // its own parameter or variable
		}
		if _, ok := n.(*ast.FuncDecl); ok {
			return ""
		}
		switch {
		case c.funcArgOf(fn, asyncPath, "Go"):
			return "Await with the Co of another coroutine: use the co of the enclosing async.Go function"
		case c.funcArgOf(fn, asyncPath, "SpawnBlocking"):
			return "Await with a Co in a function given to SpawnBlocking, which a goroutine of the blocking pool runs: " +
				"await in the coroutine's own function, and only the function's result"
		}
		if called, inGo := calledAt(fn); called && inGo {
			return "Await with a Co captured by a goroutine, which no coroutine runs: " +
				"await in the coroutine's own function, or make the goroutine a coroutine (async.Go) and spawn it"
		}
	}
	return ""
}
