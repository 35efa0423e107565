//go:build tools

// Package tools pins the Pulumi CLI main package so `go mod tidy` keeps its requirements in go.mod/go.sum.
// The CLI itself is built with `go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi` (see
// scripts/bootstrap-engine.sh); our own language host lives in ./cmd/pulumi-language-python.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
