// Command pulumi-language-python is a small Python language host for the Pulumi engine.
//
// Why it exists: the official host (module github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3)
// is untagged, and the Go module proxy this project builds from answers 403 for every version of it (pseudo
// versions and raw commits alike), so it cannot be built here. This host implements the part of the
// LanguageRuntime gRPC service the engine uses to run a Python program, using only packages of the pinned
// github.com/pulumi/pulumi/sdk/v3 module. Like the official host it does not run programs itself: it starts the
// official `pulumi-language-python-exec` script (shipped in the sdk/v3 module and copied next to this binary)
// with the virtualenv's interpreter, passing the same flags and environment.
//
// Differences from the official host (see README, "The real Pulumi engine"):
//   - GetRequiredPackages/GetRequiredPlugins report no packages: provider plugins are loaded on demand when a
//     resource needs one. (The official host lists every installed pulumi-* package, which would make the
//     engine try to download e.g. the pulumi-huaweicloud plugin even when the program declares none.)
//   - InstallDependencies installs nothing: `make venv` owns the virtualenv.
//   - Only the pip toolchain (a plain virtualenv, or the ambient python3) is supported.
//   - RunPlugin, code generation, Pack, Link and Template are not implemented.
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
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

const (
	// execScript is the official Python-side entry point; it must sit next to this binary.
	execScript = "pulumi-language-python-exec"

	// The exec script exits with this code after it has already shown the user an error; the engine must then
	// "bail" without adding a second, generic error message.
	exitAfterUserActionableMessage = 32
)

func main() {
	// The engine starts language hosts as `pulumi-language-python [flags] <engine-address>`. The two
	// obsolete flags are still accepted because older engines pass them.
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint, passed on to the program")
	executor := flag.String("use-executor", "", "path of the exec script (default: next to this binary)")
	flag.String("virtualenv", "", "[obsolete] the virtualenv now comes from the program's runtime options")
	flag.String("root", "", "[obsolete] the project root now comes from the program info")
	flag.Parse()

	execPath := *executor
	if execPath == "" {
		self, err := os.Executable()
		if err != nil {
			cmdutil.Exit(fmt.Errorf("error locating pulumi-language-python: %w", err))
		}
		execPath = filepath.Join(filepath.Dir(self), execScript)
	}
	if _, err := os.Stat(execPath); err != nil {
		cmdutil.Exit(fmt.Errorf("error finding %s: %w (scripts/bootstrap-engine.sh installs it next to "+
			"this binary)", execScript, err))
	}

	var engineAddress string
	if flag.NArg() > 0 {
		engineAddress = flag.Arg(0)
	}

	// Stop serving on Ctrl-C or when the engine goes away (for example when it is killed), so no orphaned
	// host is left behind.
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	// engineCtx ends when the engine is gone: a running program is then killed (it may be busy in its own
	// code, with no engine call to fail), so the graceful stop below does not wait for it.
	engineCtx, engineGone := context.WithCancel(context.Background())
	onEngineGone := func() {
		engineGone()
		cancel()
	}
	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		cancel()
		close(stop)
	}()
	if engineAddress != "" {
		// The engine starts this host directly, so it is our parent: when it dies (even by SIGKILL), we are
		// re-parented and getppid changes. That is noticed within parentCheckInterval; the health check (as in
		// the official host, every 5 minutes) stays as the fallback, e.g. on Windows.
		go watchParent(ctx, os.Getppid(), onEngineGone)
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, onEngineGone); err != nil {
			cmdutil.Exit(fmt.Errorf("error starting the engine health check: %w", err))
		}
	}

	host := &languageHost{
		execPath: execPath, engineAddress: engineAddress, tracing: *tracing, engineCtx: engineCtx,
	}
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
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("error serving the language host: %w", err))
	}
}

// languageHost implements pulumirpc.LanguageRuntimeServer; unimplemented methods answer codes.Unimplemented,
// which the engine treats as "not supported" where that is allowed (Handshake, Cancel, ...).
type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	execPath      string
	engineAddress string
	tracing       string
	engineCtx     context.Context // done once the engine that started this host is gone
}

// parentCheckInterval is how often watchParent looks at the parent pid (one cheap syscall).
const parentCheckInterval = 250 * time.Millisecond

// watchParent calls gone once this process's parent is no longer `parent` (it exited and we were
// re-parented). A live parent never changes, so this cannot fire while the engine runs, however slow it is.
func watchParent(ctx context.Context, parent int, gone func()) {
	ticker := time.NewTicker(parentCheckInterval)
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

// Handshake is only sent when the engine attaches to an already running host; it carries the engine address.
func (h *languageHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// GetRequiredPlugins reports none; see the package comment.
func (h *languageHost) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

// GetRequiredPackages reports none; see the package comment.
func (h *languageHost) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// InstallDependencies only checks that the virtualenv exists: `make venv` creates and fills it.
func (h *languageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	tc, err := resolveToolchain(req.GetInfo())
	if err != nil {
		return err
	}
	if err := tc.ValidateVenv(server.Context()); err != nil {
		return fmt.Errorf("error checking the virtualenv: %w (run `make venv` in the repository)", err)
	}
	return server.Send(&pulumirpc.InstallDependenciesResponse{
		Stdout: []byte("Dependencies are installed by `make venv`; nothing to do.\n"),
	})
}

func (h *languageHost) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *languageHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	tc, err := resolveToolchain(req.GetInfo())
	if err != nil {
		return nil, err
	}
	info, err := tc.About(ctx)
	if err != nil {
		return nil, fmt.Errorf("error reading the python version: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: info.PythonExecutable, Version: info.PythonVersion.String()}, nil
}

func (h *languageHost) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	tc, err := resolveToolchain(req.GetInfo())
	if err != nil {
		return nil, err
	}
	packages, err := tc.ListPackages(ctx, req.GetTransitiveDependencies())
	if err != nil {
		return nil, fmt.Errorf("error listing python packages: %w", err)
	}
	deps := make([]*pulumirpc.DependencyInfo, 0, len(packages))
	for _, p := range packages {
		deps = append(deps, &pulumirpc.DependencyInfo{Name: p.Name, Version: p.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

// Run starts `python pulumi-language-python-exec <flags> <entry point> <args>` and waits for it. A program
// error is returned in RunResponse (not as a gRPC error), as the engine expects.
func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	tc, err := resolveToolchain(req.GetInfo())
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return nil, fmt.Errorf("error checking the virtualenv: %w (run `make venv` in the repository)", err)
	}
	config := req.GetConfig()
	if config == nil {
		// A stack without any config: "{}", not "null" (the exec script iterates over the object).
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
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("error encoding the secret config keys: %w", err)
	}

	// The program is killed when the request ends or when the engine is gone.
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	if h.engineCtx != nil {
		defer context.AfterFunc(h.engineCtx, stopRun)()
	}
	cmd, err := tc.Command(runCtx, append([]string{h.execPath}, h.execArgs(req)...)...)
	if err != nil {
		return nil, fmt.Errorf("error finding a python interpreter: %w", err)
	}
	if cmd.Env == nil { // no virtualenv: the toolchain left the environment unset
		cmd.Env = os.Environ()
	}
	// The exec script reads the stack config from these variables (pulumi.runtime.get_config_env).
	cmd.Env = append(cmd.Env, "PULUMI_CONFIG="+string(configJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	// The engine shows the program's stdout/stderr, so hand ours over directly.
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr

	runErr := cmd.Run()
	// Flush what the program wrote before the engine reads our reply.
	_ = os.Stdout.Sync()
	_ = os.Stderr.Sync()
	if runErr == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var exitErr *exec.ExitError
	if !errors.As(runErr, &exitErr) {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("error running the python program: %v", runErr)}, nil
	}
	if exitErr.ExitCode() == exitAfterUserActionableMessage {
		return &pulumirpc.RunResponse{Bail: true}, nil
	}
	return &pulumirpc.RunResponse{
		Error: fmt.Sprintf("program exited with non-zero exit code: %d", exitErr.ExitCode()),
	}, nil
}

// execArgs builds the exec script's command line; flag names are the ones it parses with argparse.
func (h *languageHost) execArgs(req *pulumirpc.RunRequest) []string {
	var args []string
	add := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	add("dry_run", strconv.FormatBool(req.GetDryRun()))
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", h.tracing)
	add("organization", req.GetOrganization())
	add("root_directory", req.GetInfo().GetRootDirectory())

	entryPoint := req.GetInfo().GetEntryPoint()
	if entryPoint == "" {
		entryPoint = "." // the program directory, which runs its __main__.py
	}
	return append(append(args, entryPoint), req.GetArgs()...)
}

// resolveToolchain reads the `runtime.options` of Pulumi.yaml (virtualenv, toolchain) and returns the pip
// toolchain of sdk/v3, which finds `<virtualenv>/bin/python` the same way the official host does.
func resolveToolchain(info *pulumirpc.ProgramInfo) (toolchain.Toolchain, error) {
	if info == nil {
		return nil, errors.New("error reading the program info: the engine sent none")
	}
	options := info.GetOptions().AsMap()
	if name, ok := options["toolchain"]; ok && name != "pip" {
		return nil, fmt.Errorf("error reading runtime option toolchain: %q is not supported by this "+
			"language host, use \"pip\" (or leave it unset)", name)
	}
	virtualenv := ""
	if value, ok := options["virtualenv"]; ok {
		s, isString := value.(string)
		if !isString {
			return nil, errors.New("error reading runtime option virtualenv: must be a string path")
		}
		virtualenv = s
	}
	return toolchain.ResolveToolchain(toolchain.PythonOptions{
		Root:       info.GetRootDirectory(),
		ProgramDir: info.GetProgramDirectory(),
		Virtualenv: virtualenv,
		Toolchain:  toolchain.Pip,
	})
}
