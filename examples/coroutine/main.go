package main

import "github.com/asyncgo/async/internal/book"

func main() { book.Main("coroutine", book.Chapter7Coroutine) }
