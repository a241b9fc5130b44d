module github.com/asyncgo/async/interop

go 1.26.0

replace github.com/asyncgo/async => ../
