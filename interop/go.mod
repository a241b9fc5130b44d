module github.com/asyncgo/async/interop

go 1.26.0

replace github.com/asyncgo/async => ../

require (
	github.com/asyncgo/async v0.0.0-00010101000000-000000000000
	github.com/coder/websocket v1.8.15
	github.com/gorilla/websocket v1.5.3
	go.uber.org/goleak v1.3.0
)

require golang.org/x/sys v0.50.0 // indirect
