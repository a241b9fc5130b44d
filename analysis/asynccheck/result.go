package asynccheck

import (
	"go/ast"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ast/edge"
)

// resultUse is what the code does with one variable of type async.Result.
type resultUse struct {
	def     *ast.Ident
	value   bool // its Value is read (or written)
	checked bool // its Err is looked at, or Get is called
	escapes bool // it goes somewhere else, which may check it
	polled  bool // it was assigned what a poll returned
}

// checkResults reports the local variables of type async.Result[T] whose
// Value the code uses but whose error it never looks at: no r.Err, no
// r.Get(), and the variable goes nowhere else (passed to a function,
// returned, stored, its address taken) where it might be checked. A
// failed operation's Value is the zero value, so such code carries on
// with a zero as if it had succeeded.
//
// Left alone are parameters and named results, which their caller or
// callee has too, and a Result assigned from a poll, a call that returns
// (async.Result[T], bool) as Poll does: the poll-level code of a future
// often needs only readiness, or knows that Err is nil, and passes on
// what it needs.
func (c *checker) checkResults() {
	info := c.pass.TypesInfo
	owned := c.paramsAndResults()
	uses := make(map[*types.Var]*resultUse)
	for id, obj := range info.Defs {
		v, ok := obj.(*types.Var)
		if ok && !v.IsField() && !owned[v] && v.Parent() != v.Pkg().Scope() && isResult(v.Type()) {
			uses[v] = &resultUse{def: id}
		}
	}
	if len(uses) == 0 {
		return
	}
	for cur := range c.root.Preorder((*ast.Ident)(nil)) {
		id := cur.Node().(*ast.Ident)
		obj := info.Uses[id]
		if obj == nil {
			obj = info.Defs[id]
		}
		v, _ := obj.(*types.Var)
		u := uses[v]
		if u == nil {
			continue
		}
		if c.assignedPoll(cur.ParentEdgeKind(), cur.Parent().Node()) {
			u.polled = true
		}
		if id != u.def {
			u.note(cur.ParentEdgeKind(), cur.Parent().Node())
		}
	}
	var unchecked []*ast.Ident
	for _, u := range uses {
		if u.value && !u.checked && !u.escapes && !u.polled {
			unchecked = append(unchecked, u.def)
		}
	}
	slices.SortFunc(unchecked, func(a, b *ast.Ident) int { return int(a.Pos() - b.Pos()) })
	for _, id := range unchecked {
		c.reportf(id, "%s.Err is never checked: use v, err := %s.Get() or check %s.Err",
			id.Name, id.Name, id.Name)
	}
}

// note records one use of the variable: the identifier that is the child
// of parent by the edge kind.
func (u *resultUse) note(kind edge.Kind, parent ast.Node) {
	switch kind {
	case edge.SelectorExpr_X:
		switch parent.(*ast.SelectorExpr).Sel.Name {
		case "Value":
			u.value = true
		case "Err", "Get":
			u.checked = true
		default:
			u.escapes = true
		}
	case edge.AssignStmt_Lhs:
		// Assigned a new Result: neither a check nor a use.
	default:
		u.escapes = true
	}
}

// assignedPoll reports whether the identifier that is the child of parent
// by the edge kind is assigned the results of a poll: a call that returns
// (T, bool).
func (c *checker) assignedPoll(kind edge.Kind, parent ast.Node) bool {
	var rhs []ast.Expr
	switch kind {
	case edge.AssignStmt_Lhs:
		rhs = parent.(*ast.AssignStmt).Rhs
	case edge.ValueSpec_Names:
		rhs = parent.(*ast.ValueSpec).Values
	}
	if len(rhs) != 1 {
		return false
	}
	tuple, ok := c.pass.TypesInfo.TypeOf(rhs[0]).(*types.Tuple)
	return ok && tuple.Len() == 2 && isBool(tuple.At(1).Type())
}

// paramsAndResults returns the receivers, parameters and named results of
// every function in the package.
func (c *checker) paramsAndResults() map[*types.Var]bool {
	owned := make(map[*types.Var]bool)
	for cur := range c.root.Preorder((*ast.FuncType)(nil), (*ast.FuncDecl)(nil)) {
		var lists []*ast.FieldList
		switch n := cur.Node().(type) {
		case *ast.FuncType:
			lists = []*ast.FieldList{n.Params, n.Results}
		case *ast.FuncDecl:
			lists = []*ast.FieldList{n.Recv}
		}
		for _, list := range lists {
			if list == nil {
				continue
			}
			for _, field := range list.List {
				for _, name := range field.Names {
					if v, ok := c.pass.TypesInfo.Defs[name].(*types.Var); ok {
						owned[v] = true
					}
				}
			}
		}
	}
	return owned
}
