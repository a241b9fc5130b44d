package main

import "github.com/asyncgo/async/internal/book"

func main() { book.Main("async-await", book.Chapter7AsyncAwait) }
