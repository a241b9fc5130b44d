package asynccheck

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/inspector"
)

// checkBlocking reports the calls that block the calling goroutine until
// some future or task ends, made by code that an executor polls: the
// function of a coroutine, a future's Poll method, or a function of Poll's
// shape, func(*async.Context) (T, bool). The executor cannot run the
// tasks that would end the wait while it waits itself, so at best it
// stalls and at worst it deadlocks. The calls are:
//
//   - executor.Run and executor.BlockOn (BlockOn refuses with ErrNested
//     at run time; this says so before it runs);
//   - the Shutdown method of an executor, which waits for the BlockOn
//     whose poll is calling it;
//   - a function or method of the async module whose name ends in
//     Blocking (mpsc.Sender.SendBlocking, lock.Mutex.LockBlocking, ...),
//     which are for plain goroutines; SpawnBlocking, which hands its
//     function to another goroutine, is not one of them.
//
// A call in a function literal counts if the literal is called where it
// stands (func() { ... }() or under defer); a literal passed elsewhere,
// or run by a go statement, runs apart from the poll.
func (c *checker) checkBlocking() {
	for cur := range c.root.Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		name, advice := c.blockingCall(call)
		if name == "" {
			continue
		}
		if where := c.polledFunc(cur); where != "" {
			c.reportf(call, "%s inside %s blocks the executor that polls it; %s",
				name, where, advice)
		}
	}
}

// blockingCall returns how a message names the blocking function or method
// that call calls, and what to do instead; "" if it calls none.
func (c *checker) blockingCall(call *ast.CallExpr) (name, advice string) {
	fn := c.callee(call)
	if fn == nil || fn.Pkg() == nil {
		return "", ""
	}
	path, isMethod := fn.Pkg().Path(), fn.Signature().Recv() != nil
	switch {
	case isFunc(fn, executorPath, "Run"), isFunc(fn, executorPath, "BlockOn"):
		return "executor." + fn.Name(), "await the future instead (async.Await(co, f)), or spawn it"
	case isMethod && path == executorPath && fn.Name() == "Shutdown":
		return calleeName(call), "it waits for the very poll that calls it: " +
			"shut the executor down from the goroutine that runs it"
	case inModule(path) && strings.HasSuffix(fn.Name(), "Blocking") && !strings.HasPrefix(fn.Name(), "Spawn"):
		name := calleeName(call)
		return name, "await the future of " + strings.TrimSuffix(name, "Blocking") + " instead"
	}
	return "", ""
}

// inModule reports whether path is the import path of a package of the
// async module.
func inModule(path string) bool {
	return path == asyncPath || strings.HasPrefix(path, asyncPath+"/")
}

// polledFunc returns what polls the code at cur, "a coroutine" or "a
// future's Poll", or "" if no executor polls it or that cannot be told.
func (c *checker) polledFunc(cur inspector.Cursor) string {
	for fn := range cur.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		switch n := fn.Node().(type) {
		case *ast.FuncDecl:
			fn, ok := c.pass.TypesInfo.Defs[n.Name].(*types.Func)
			if ok && c.isPollShaped(fn.Signature()) {
				return "a future's Poll"
			}
			return ""
		case *ast.FuncLit:
			if c.funcArgOf(fn, asyncPath, "Go") {
				return "a coroutine"
			}
			if sig, ok := c.pass.TypesInfo.TypeOf(n).(*types.Signature); ok && c.isPollShaped(sig) {
				return "a future's Poll"
			}
			if called, inGo := calledAt(fn); !called || inGo {
				return ""
			}
		}
	}
	return ""
}

// isPollShaped reports whether sig is func(*async.Context) (T, bool): the
// shape of a future's Poll method, of async.PollFunc, and of the helpers a
// Poll calls with its Context.
func (c *checker) isPollShaped(sig *types.Signature) bool {
	if sig.Params().Len() != 1 || sig.Results().Len() != 2 {
		return false
	}
	return c.isContextPtr(sig.Params().At(0).Type()) && isBool(sig.Results().At(1).Type())
}
