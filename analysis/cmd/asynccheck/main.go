// Command asynccheck reports misuses of the async runtime that compile but
// do nothing or block: a dropped future, an Await with another
// coroutine's Co, a blocking executor call inside a future or a
// coroutine, a Result whose Err is never looked at. See package
// github.com/asyncgo/async/analysis/asynccheck for each check.
//
// It runs on its own, on packages named as for go build:
//
//	asynccheck ./...
//
// and as a tool of go vet, which runs it package by package beside the
// build cache:
//
//	go vet -vettool=$(command -v asynccheck) ./...
//
// Install it with go install github.com/asyncgo/async/analysis/cmd/asynccheck
// from the analysis module (cd analysis && go install ./cmd/asynccheck).
package main

import (
	"github.com/asyncgo/async/analysis/asynccheck"
	"golang.org/x/tools/go/analysis/singlechecker"
)

func main() { singlechecker.Main(asynccheck.Analyzer) }
