package asynccheck

import (
	"cmp"
	"fmt"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
)

// Analyzer reports the misuses of package async listed in the package
// doc: a discarded future, an Await with another coroutine's Co, a
// blocking executor call inside a future or a coroutine, and a Result
// whose Err is never looked at.
var Analyzer = &analysis.Analyzer{
	Name:     "asynccheck",
	Doc:      doc,
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

// doc is the Analyzer's help text: its first line is the summary that
// go vet and the command print.
const doc = `report misuses of the async runtime that compile but do nothing or block

asynccheck reports, in code that uses github.com/asyncgo/async:
  - a future that is made and dropped (never awaited, polled or spawned);
  - async.Await with the Co of another coroutine, or outside one;
  - executor.Run, executor.BlockOn, an executor's Shutdown or a *Blocking
    method called inside a coroutine or a future's Poll;
  - an async.Result variable whose Value is read but whose Err never is.`

// run sets up what the checks share and runs each in turn.
func run(pass *analysis.Pass) (any, error) {
	c := &checker{
		pass: pass,
		root: pass.ResultOf[inspect.Analyzer].(*inspector.Inspector).Root(),
	}
	// The checks recognise async's types by package path and name;
	// async.Context is also compared by identity, in case it becomes
	// an alias of a type declared elsewhere.
	if p := findPackage(pass.Pkg, asyncPath); p != nil {
		if obj, ok := p.Scope().Lookup("Context").(*types.TypeName); ok {
			c.context = obj.Type()
		}
	}
	c.checkDiscarded()
	c.checkAwait()
	c.checkBlocking()
	c.checkResults()
	// Reported in the order of the source, not check by check.
	slices.SortStableFunc(c.found, func(a, b analysis.Diagnostic) int { return cmp.Compare(a.Pos, b.Pos) })
	for _, d := range c.found {
		pass.Report(d)
	}
	return nil, nil
}

// checker carries one pass and what the checks look up through it.
type checker struct {
	pass *analysis.Pass
	root inspector.Cursor

	// context is async.Context, the type a future's Poll takes a
	// pointer to, as this package sees it; nil if it sees no package
	// async.
	context types.Type

	// ignored holds the lines of the package's ignore directives, found
	// at the first report.
	ignored map[fileLine]bool
	// found holds the diagnostics until every check has run.
	found []analysis.Diagnostic
}

// findPackage returns the package with the given path among pkg and its
// direct and indirect imports, or nil.
func findPackage(pkg *types.Package, path string) *types.Package {
	seen := make(map[*types.Package]bool)
	var find func(p *types.Package) *types.Package
	find = func(p *types.Package) *types.Package {
		if seen[p] {
			return nil
		}
		seen[p] = true
		if p.Path() == path {
			return p
		}
		for _, imp := range p.Imports() {
			if found := find(imp); found != nil {
				return found
			}
		}
		return nil
	}
	return find(pkg)
}

// ignoreDirective, in a line comment on the line of a report or on the
// line above it, silences the report: for code that misuses the runtime
// on purpose, such as a test that a misuse panics. The reason follows it:
//
//	//asynccheck:ignore the second Send must panic
const ignoreDirective = "//asynccheck:ignore"

// reportf records a diagnostic about node unless a directive silences it.
func (c *checker) reportf(node analysis.Range, format string, args ...any) {
	if c.ignored == nil {
		c.ignored = c.directives()
	}
	pos := c.pass.Fset.Position(node.Pos())
	if c.ignored[fileLine{pos.Filename, pos.Line}] || c.ignored[fileLine{pos.Filename, pos.Line - 1}] {
		return
	}
	c.found = append(c.found, analysis.Diagnostic{
		Pos:     node.Pos(),
		End:     node.End(),
		Message: fmt.Sprintf(format, args...),
	})
}

// fileLine is a line of a file.
type fileLine struct {
	file string
	line int
}

// directives returns the lines of the package's ignore directives.
func (c *checker) directives() map[fileLine]bool {
	lines := make(map[fileLine]bool)
	for _, f := range c.pass.Files {
		for _, group := range f.Comments {
			for _, comment := range group.List {
				if text := comment.Text; text == ignoreDirective || strings.HasPrefix(text, ignoreDirective+" ") {
					pos := c.pass.Fset.Position(comment.Slash)
					lines[fileLine{pos.Filename, pos.Line}] = true
				}
			}
		}
	}
	return lines
}
