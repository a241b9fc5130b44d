package aio_test

import (
	"fmt"

	"github.com/asyncgo/async"
	"github.com/asyncgo/async/aio"
	"github.com/asyncgo/async/executor"
)

// Copy moves a stream from one pipe to another while a producer writes
// into the first and the main task reads the second.
func ExampleCopy() {
	inR, inW := aio.Pipe(16)
	outR, outW := aio.Pipe(16)
	got, err := executor.Run(async.Go(func(co *async.Co) string {
		async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
			defer inW.Close()
			_, err := async.Get(co, aio.WriteAll(inW, []byte("through a small pipe, and another")))
			return err
		})).Detach()
		async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
			defer outW.Close()
			n, err := async.Get(co, aio.Copy(outW, inR, nil))
			fmt.Println("copied", n, "bytes")
			return err
		})).Detach()

		br := aio.NewReader(outR, 64)
		line, err := async.Get(co, br.ReadLine())
		if err != nil {
			return err.Error()
		}
		return string(line)
	}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got)
	// Output:
	// copied 33 bytes
	// through a small pipe, and another
}

// ReadLine splits a stream into lines, "\n" or "\r\n" terminated; the last
// need not end with one.
func ExampleBufReader_ReadLine() {
	r, w := aio.Pipe(64)
	_, err := executor.Run(async.Go(func(co *async.Co) error {
		async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
			defer w.Close()
			_, err := async.Get(co, aio.WriteAll(w, []byte("GET / HTTP/1.1\r\nHost: example\r\n\r\nbody")))
			return err
		})).Detach()

		br := aio.NewReader(r, 4096)
		for {
			line, err := async.Get(co, br.ReadLine())
			if err != nil {
				return nil // io.EOF
			}
			fmt.Printf("%q\n", line)
		}
	}))
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// "GET / HTTP/1.1"
	// "Host: example"
	// ""
	// "body"
}

// A FrameWriter and a FrameReader exchange length-prefixed messages; a
// frame larger than the reader's maximum is an error that names both.
func ExampleFrameReader() {
	r, w := aio.Pipe(64)
	_, err := executor.Run(async.Go(func(co *async.Co) error {
		async.Spawn(co.Context(), async.Go(func(co *async.Co) error {
			defer w.Close()
			fw := aio.NewFrameWriter(w)
			for _, msg := range []string{"hello", "", "frames", "this one is too long"} {
				if err := async.Await(co, fw.WriteFrame([]byte(msg))); err != nil {
					return err
				}
			}
			return nil
		})).Detach()

		fr := aio.NewFrameReader(r, 10)
		for {
			payload, err := async.Get(co, fr.Next())
			if err != nil {
				fmt.Println(err)
				return nil
			}
			fmt.Printf("%q\n", payload)
		}
	}))
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// "hello"
	// ""
	// "frames"
	// aio: frame of 20 bytes is longer than the maximum of 10
}
