// compose-check loads docker-compose files with compose-go (the loader `docker compose` itself
// is built on), so interpolation, the Compose schema and the cross-references (depends_on
// targets, named volumes) are judged exactly as `docker compose config` judges them. Then it
// checks the promises this repository makes about its production shape (policy.go).
//
// This machine has no Docker engine, so this is how `make test` knows the compose files are
// valid. With -json it prints the resolved project, which tests/deploy reads to render the
// nginx and LiveKit configs with the values the containers would get.
//
// Usage:
//
//	compose-check -env-file env.example -f docker-compose.yml [-f docker-compose.scaled.yml] [-json]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

type fileList []string

func (f *fileList) String() string     { return strings.Join(*f, ",") }
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	var composeFiles, envFiles fileList
	flag.Var(&composeFiles, "f", "compose file (repeat to merge, as with docker compose -f)")
	flag.Var(&envFiles, "env-file", "file of NAME=value used for interpolation (repeatable)")
	projectDir := flag.String("project-dir", "", "directory relative paths resolve against (default: the first file's)")
	printJSON := flag.Bool("json", false, "print the resolved project as JSON on stdout")
	flag.Parse()

	if len(composeFiles) == 0 || len(envFiles) == 0 {
		// An explicit env file keeps the result independent of whatever .env or shell
		// variables happen to be on the machine running the check.
		fail("need at least one -f and one -env-file")
	}
	dir := *projectDir
	if dir == "" {
		dir = filepath.Dir(composeFiles[0])
	}

	options, err := cli.NewProjectOptions(
		composeFiles,
		cli.WithWorkingDirectory(dir),
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		// A service's env_file (the operator's .env) is read when containers start; reading
		// it here would make the check depend on a file that is not in the repository.
		cli.WithoutEnvironmentResolution,
	)
	if err != nil {
		fail(err.Error())
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err.Error())
	}

	problems := checkPolicy(project)
	for _, problem := range problems {
		fmt.Fprintln(os.Stderr, "compose-check:", problem)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
	if *printJSON {
		out, err := project.MarshalJSON()
		if err != nil {
			fail(err.Error())
		}
		os.Stdout.Write(append(out, '\n'))
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "compose-check:", message)
	os.Exit(2)
}
