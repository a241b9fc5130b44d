package asynccheck

import (
	"go/ast"
	"go/token"
	"go/types"
)

// checkDiscarded reports the futures that a call makes and the code drops
// at once: the call as a statement, under go or defer, or assigned to the
// blank identifier. A future does its work only when it is polled, so a
// dropped one did nothing (and a future that took a place in a queue when
// it was made, as lock.Mutex.Lock's does, holds it until cancelled).
//
// Left alone are:
//
//   - a future that has a Detach method, a handle on work that runs
//     anyway (async.JoinHandle: the task runs whether or not it is
//     awaited);
//   - a future returned by a method of a future, which is taken to arm or
//     change its receiver, polled later (aio.WriteAllFuture.Reset returns
//     its receiver);
//   - a future among several results (the Receiver of oneshot.New), one
//     of several handles that the code may drop: the call is made for
//     the others.
func (c *checker) checkDiscarded() {
	nodes := []ast.Node{
		(*ast.ExprStmt)(nil),
		(*ast.GoStmt)(nil),
		(*ast.DeferStmt)(nil),
		(*ast.AssignStmt)(nil),
		(*ast.ValueSpec)(nil),
	}
	for cur := range c.root.Preorder(nodes...) {
		switch n := cur.Node().(type) {
		case *ast.ExprStmt:
			if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok {
				c.discarded(call, "", c.pass.TypesInfo.TypeOf(call))
			}
		case *ast.GoStmt:
			c.discarded(n.Call, "go statement drops ", c.pass.TypesInfo.TypeOf(n.Call))
		case *ast.DeferStmt:
			c.discarded(n.Call, "defer drops ", c.pass.TypesInfo.TypeOf(n.Call))
		case *ast.AssignStmt:
			if n.Tok == token.ASSIGN || n.Tok == token.DEFINE {
				c.blankAssigned(n.Lhs, n.Rhs)
			}
		case *ast.ValueSpec:
			lhs := make([]ast.Expr, len(n.Names))
			for i, name := range n.Names {
				lhs[i] = name
			}
			c.blankAssigned(lhs, n.Values)
		}
	}
}

// blankAssigned reports the futures made by calls in rhs that are assigned
// to the blank identifier in lhs, one to one.
func (c *checker) blankAssigned(lhs, rhs []ast.Expr) {
	if len(lhs) == len(rhs) {
		for i, r := range rhs {
			call, ok := ast.Unparen(r).(*ast.CallExpr)
			if ok && isBlank(lhs[i]) {
				c.discarded(call, "assigning to _ drops ", c.pass.TypesInfo.TypeOf(call))
			}
		}
		return
	}
}

// discarded reports call if it calls a function and t, what it returns,
// is a future that may not be dropped.
func (c *checker) discarded(call *ast.CallExpr, how string, t types.Type) {
	if !c.isFuncCall(call) || !c.mustNotDrop(t) || c.futureMethod(call) {
		return
	}
	what := "the future returned by " + calleeName(call)
	if how != "" {
		what = how + what + ": it"
	}
	c.reportf(call, "%s is never awaited, polled or spawned, so it does nothing; "+
		"await it (async.Await(co, ...)) or spawn it", what)
}

// mustNotDrop reports whether t is a future that must not be dropped: one
// without a Detach method. A tuple is not one.
func (c *checker) mustNotDrop(t types.Type) bool {
	if _, ok := t.(*types.Tuple); ok {
		return false
	}
	return c.isFuture(t) && method(t, "Detach") == nil
}

// futureMethod reports whether call calls a method of a future.
func (c *checker) futureMethod(call *ast.CallExpr) bool {
	fun, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	sel, ok := c.pass.TypesInfo.Selections[fun]
	return ok && sel.Kind() == types.MethodVal && c.isFuture(sel.Recv())
}

// isBlank reports whether e is the blank identifier.
func isBlank(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && id.Name == "_"
}

// calleeName returns how a message names the function call calls: as
// written (c.WriteAll, async.Go[int]) if that is short, else its last
// name, else "this call".
func calleeName(call *ast.CallExpr) string {
	fun := ast.Unparen(call.Fun)
	if s := types.ExprString(fun); len(s) <= 40 {
		if _, lit := fun.(*ast.FuncLit); !lit {
			return s
		}
	}
	if sel, ok := fun.(*ast.SelectorExpr); ok {
		return sel.Sel.Name
	}
	return "this call"
}
