package main

import "github.com/asyncgo/async/internal/book"

func main() { book.Main("join-all", book.Chapter10JoinAll) }
