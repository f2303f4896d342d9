module github.com/weftkit/wkd/go

go 1.21
