// The YAML language host, pulumi-yaml's own cmd/pulumi-language-yaml at the version go.mod pins (the Go module
// proxy serves it; scripts/bootstrap-langs.sh builds it).
//go:build tools

package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
