package asynccheck

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// The import paths whose names the checks know.
const (
	asyncPath    = "github.com/asyncgo/async"
	executorPath = asyncPath + "/executor"
)

// isObj reports whether obj is the object name declared at package level
// in the package with the given path.
func isObj(obj types.Object, path, name string) bool {
	return obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == path && obj.Name() == name
}

// isType reports whether t is the defined type or alias path.name, or an
// instance of it.
func isType(t types.Type, path, name string) bool {
	switch t := t.(type) {
	case *types.Named:
		return isObj(t.Origin().Obj(), path, name)
	case *types.Alias:
		return isObj(t.Origin().Obj(), path, name)
	}
	return false
}

// isContextPtr reports whether t is *async.Context.
func (c *checker) isContextPtr(t types.Type) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	if isType(p.Elem(), asyncPath, "Context") {
		return true
	}
	return c.context != nil && types.Identical(p.Elem(), c.context)
}

// isResult reports whether t is an instance of async.Result.
func isResult(t types.Type) bool {
	return isType(types.Unalias(t), asyncPath, "Result")
}

// isFuture reports whether a value of type t is a future: whether t, or a
// pointer to it, has the method set of async.Future[T] for some T,
// Poll(*async.Context) (T, bool) and Cancel(). The type is recognised by
// its methods, not its name, so that every package's futures count.
func (c *checker) isFuture(t types.Type) bool {
	if t == nil {
		return false
	}
	poll, cancel := method(t, "Poll"), method(t, "Cancel")
	if poll == nil || cancel == nil {
		return false
	}
	ps, cs := poll.Signature(), cancel.Signature()
	if ps.Params().Len() != 1 || !c.isContextPtr(ps.Params().At(0).Type()) {
		return false
	}
	if ps.Results().Len() != 2 || !isBool(ps.Results().At(1).Type()) {
		return false
	}
	return cs.Params().Len() == 0 && cs.Results().Len() == 0
}

// method returns the method of t (or of *t) with the given exported name,
// or nil.
func method(t types.Type, name string) *types.Func {
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, name)
	fn, _ := obj.(*types.Func)
	return fn
}

// isBool reports whether t is bool.
func isBool(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Kind() == types.Bool
}

// callee returns the function or method that call calls, the generic one
// for an instance, or nil for a call of a function value, a conversion or
// a builtin.
func (c *checker) callee(call *ast.CallExpr) *types.Func {
	fn, _ := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if fn == nil {
		return nil
	}
	return fn.Origin()
}

// isFunc reports whether fn is the package-level function path.name.
func isFunc(fn *types.Func, path, name string) bool {
	return fn != nil && fn.Signature().Recv() == nil && isObj(fn, path, name)
}

// calls reports whether call calls the package-level function path.name.
func (c *checker) calls(call *ast.CallExpr, path, name string) bool {
	return isFunc(c.callee(call), path, name)
}

// isFuncCall reports whether call calls a function (not a conversion or
// a builtin).
func (c *checker) isFuncCall(call *ast.CallExpr) bool {
	tv, ok := c.pass.TypesInfo.Types[call.Fun]
	return ok && !tv.IsType() && !tv.IsBuiltin()
}

// funcArgOf reports whether the function literal at cur is an argument of
// a call of the package-level function path.name.
func (c *checker) funcArgOf(cur inspector.Cursor, path, name string) bool {
	call, ok := cur.Parent().Node().(*ast.CallExpr)
	if !ok || ast.Unparen(call.Fun) == cur.Node() {
		return false
	}
	return c.calls(call, path, name)
}

// calledAt reports whether the function literal at cur is called where it
// stands, func() { ... }(), and whether that call is a go statement's.
func calledAt(cur inspector.Cursor) (called, inGo bool) {
	call, ok := cur.Parent().Node().(*ast.CallExpr)
	if !ok || ast.Unparen(call.Fun) != cur.Node() {
		return false, false
	}
	_, inGo = cur.Parent().Parent().Node().(*ast.GoStmt)
	return true, inGo
}
