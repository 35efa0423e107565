// Command hwc-gen-sdk generates this package's SDKs from its schema with Pulumi's own code generators
// (github.com/pulumi/pulumi/pkg/v3/codegen/{nodejs,go,python}, the code `pulumi package gen-sdk` runs).
//
// Why not `pulumi package gen-sdk` itself: since v3.1xx it hands generation to each language's plugin
// (GeneratePackage), and the Node.js, Go and .NET language hosts cannot be had here (the Go module proxy
// refuses them), while the generators they call are packages of pkg/v3, which the proxy serves. The .NET
// generator lives in github.com/pulumi/pulumi-dotnet, which the proxy refuses too: no .NET SDK here.
//
// Usage: hwc-gen-sdk <schema.json> <nodejs|go|python> <out dir>
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "hwc-gen-sdk"

func main() {
	if len(os.Args) != 4 {
		fail(fmt.Errorf("usage: %s <schema.json> <nodejs|go|python> <out dir>", tool))
	}
	text, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		fail(fmt.Errorf("%s is not a package schema: %w", os.Args[1], err))
	}
	pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
	if err != nil {
		fail(err)
	}
	if diags.HasErrors() {
		fail(diags)
	}
	var files map[string][]byte
	switch os.Args[2] {
	case "nodejs":
		files, err = nodejs.GeneratePackage(tool, pkg, nil, nil, false, noPackages{})
	case "go":
		files, err = gogen.GeneratePackage(tool, pkg, nil)
	case "python":
		files, err = python.GeneratePackage(tool, pkg, nil, noPackages{})
	default:
		err = fmt.Errorf("language %q: only nodejs, go and python (see the header of this file)", os.Args[2])
	}
	if err != nil {
		fail(err)
	}
	for name, content := range files {
		path := filepath.Join(os.Args[3], name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fail(err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			fail(err)
		}
	}
}

// noPackages loads no other package: the hwc schema references only Pulumi's built-in types.
type noPackages struct{}

func (noPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the hwc schema references no other package, not %q", pkg)
}

func (noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("the hwc schema references no other package, not %q", d.Name)
}

func (noPackages) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the hwc schema references no other package, not %q", pkg)
}

func (noPackages) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the hwc schema references no other package, not %q", d.Name)
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "error generating the SDK: %v\n", err)
	os.Exit(1)
}
