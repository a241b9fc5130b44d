package main

import "github.com/asyncgo/async/internal/book"

func main() { book.Main("runtime", book.Chapter8Runtime) }
