module example.com/issue13

go 1.26.0
