// Command pulumi-language-nodejs is a small Node.js language host for the Pulumi engine.
//
// Why it exists: the official host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
// is refused by the Go module proxy this project builds from, like the Python one (see
// tools/pulumi-cli/cmd/pulumi-language-python). Like the official host it does not run programs itself: it
// starts the Node.js SDK's own entry point, `node <program>/node_modules/@pulumi/pulumi/cmd/run`, with the
// flags and environment that entry point reads (its index.js: --monitor, --engine, --project, --stack,
// --organization, --root-directory, --pwd, --parallel, --dry-run, --tracing; PULUMI_CONFIG,
// PULUMI_CONFIG_SECRET_KEYS, PULUMI_NODEJS_TYPESCRIPT). TypeScript runs through ts-node, as there.
//
// Differences from the official host: no plugin discovery (GetRequiredPlugins/Packages report none; plugins
// load on demand), no dependency installation (run `npm ci` yourself), no code generation, pnpm/yarn/bun
// options ignored.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// The run entry exits with this code after it has shown the user an error (the engine then bails).
const exitAfterUserActionableMessage = 32

func main() {
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint, passed on to the program")
	flag.String("typescript", "", "[obsolete] now a runtime option")
	flag.String("root", "", "[obsolete] the project root now comes from the program info")
	flag.Parse()
	engineAddress := ""
	if flag.NArg() > 0 {
		engineAddress = flag.Arg(0)
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stop)
	}()
	if engineAddress != "" {
		// The engine starts this host directly: when it dies we are re-parented (watchParent), and the
		// health check is the fallback; either ends this host, so none is left behind.
		go watchParent(ctx, os.Getppid(), cancel)
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("error starting the engine health check: %w", err))
		}
	}
	host := &languageHost{engineAddress: engineAddress, tracing: *tracing}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("error starting the language host gRPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port) // the engine reads the port from the first line of stdout
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("error serving the language host: %w", err))
	}
}

func watchParent(ctx context.Context, parent int, gone func()) {
	ticker := time.NewTicker(250 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if os.Getppid() != parent {
				gone()
				return
			}
		}
	}
}

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engineAddress string
	tracing       string
}

func (h *languageHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *languageHost) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *languageHost) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *languageHost) InstallDependencies(
	_ *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return server.Send(&pulumirpc.InstallDependenciesResponse{
		Stdout: []byte("Run `npm ci` in the program directory; this host installs nothing.\n"),
	})
}

func (h *languageHost) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *languageHost) GetProgramDependencies(
	context.Context, *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

// runEntry finds @pulumi/pulumi/cmd/run in the program's node_modules (or a parent directory's), as Node's
// own module resolution would.
func runEntry(programDir string) (string, error) {
	for dir := programDir; ; dir = filepath.Dir(dir) {
		candidate := filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run")
		if _, err := os.Stat(filepath.Join(candidate, "index.js")); err == nil {
			return candidate, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("no node_modules/@pulumi/pulumi above %s: run `npm ci` there", programDir)
		}
	}
}

func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := info.GetProgramDirectory()
	if programDir == "" {
		programDir = req.GetPwd()
	}
	entry, err := runEntry(programDir)
	if err != nil {
		return nil, fmt.Errorf("error finding the Node.js SDK: %w", err)
	}
	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, fmt.Errorf("error encoding the stack config: %w", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretsJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("error encoding the secret config keys: %w", err)
	}
	typescript := "true" // the official host's default for the `typescript` runtime option
	if value, ok := info.GetOptions().AsMap()["typescript"].(bool); ok {
		typescript = strconv.FormatBool(value)
	}

	args := []string{entry}
	add := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name+"="+value)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("organization", req.GetOrganization())
	add("root-directory", info.GetRootDirectory())
	add("pwd", req.GetPwd())
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", h.tracing)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	program := info.GetEntryPoint()
	if program == "" {
		program = "."
	}
	args = append(append(args, program), req.GetArgs()...)

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = programDir
	cmd.Env = append(os.Environ(),
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretsJSON),
		"PULUMI_NODEJS_TYPESCRIPT="+typescript,
	)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	runErr := cmd.Run()
	_ = os.Stdout.Sync()
	_ = os.Stderr.Sync()
	if runErr == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var exitErr *exec.ExitError
	if !errors.As(runErr, &exitErr) {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("error running the Node.js program: %v", runErr)}, nil
	}
	if exitErr.ExitCode() == exitAfterUserActionableMessage {
		return &pulumirpc.RunResponse{Bail: true}, nil
	}
	return &pulumirpc.RunResponse{
		Error: fmt.Sprintf("program exited with non-zero exit code: %d", exitErr.ExitCode()),
	}, nil
}
