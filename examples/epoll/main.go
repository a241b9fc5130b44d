package main

import "github.com/asyncgo/async/internal/book"

func main() { book.Main("epoll", book.Chapter4) }
